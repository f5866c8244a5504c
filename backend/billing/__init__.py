"""Getting paid (issue 18): invoices and credit notes, their numbers, payment references and QR
codes, the invoice PDF, the double-entry journal, payout files and bank statements.

Pure modules (no I/O; tests/billing/test_billing_has_no_io.py): accounts (the platform's bank
accounts from a mapping of variables), amounts, vat, invoice, numbers,
references, qr, journal, texts, camt, matching, payouts, pain001. The rest touch the outside:
pdf (reads the vendored fonts), orm, numbering and store (the database: tables, number
allocation, issuing a document with its booking).
"""
