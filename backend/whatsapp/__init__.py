"""The backend's WhatsApp side: the template registry (`templates`), its settings
(`settings`), the customers' news outside the window (`news`), the Friends' offer template
(`offer_template`) and the command that prints the definitions to submit to Meta (`cli`)."""
