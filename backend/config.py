"""Settings from the environment; a value in the environment overrides `.env`."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from dotenv import dotenv_values

ROOT = Path(__file__).resolve().parent.parent


def load_environment(env_file: Path | None = None) -> dict[str, str]:
    """The process environment laid over `.env` (which is optional)."""
    path = env_file or ROOT / ".env"
    values = (
        {k: v for k, v in dotenv_values(path).items() if v is not None} if path.exists() else {}
    )
    values.update(os.environ)
    return values


@dataclass(frozen=True)
class Settings:
    database_url: str
    api_token: str
    admin_token: str
    graph_url: str
    graph_version: str
    friends_page_access_token: str
    friends_app_secret: str
    friends_verify_token: str
    rasa_url: str
    rasa_token: str
    geonames_dir: Path | None
    host: str = "127.0.0.1"
    port: int = 8000
    # Friends further away than this are never considered, whatever radius they set.
    max_radius_km: float = 50.0
    packages_file: Path = ROOT / "backend" / "packages.yml"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        e = load_environment() if env is None else env
        var = ROOT / "var"
        geonames = e.get("GEONAMES_DIR", "")
        return cls(
            database_url=e.get("DATABASE_URL") or f"sqlite+aiosqlite:///{var / 'backend.db'}",
            api_token=e.get("BACKEND_API_TOKEN", ""),
            admin_token=e.get("BACKEND_ADMIN_TOKEN", ""),
            graph_url=(e.get("MESSENGER_GRAPH_URL") or "https://graph.facebook.com").rstrip("/"),
            graph_version=e.get("MESSENGER_GRAPH_VERSION") or "v21.0",
            friends_page_access_token=e.get("FRIENDS_PAGE_ACCESS_TOKEN", ""),
            friends_app_secret=e.get("FRIENDS_APP_SECRET", ""),
            friends_verify_token=e.get("FRIENDS_VERIFY_TOKEN", ""),
            rasa_url=(e.get("RASA_URL") or "http://127.0.0.1:5005").rstrip("/"),
            rasa_token=e.get("RASA_TOKEN", ""),
            geonames_dir=Path(geonames) if geonames else None,
            host=e.get("BACKEND_HOST") or "127.0.0.1",
            port=int(e.get("BACKEND_PORT") or 8000),
            max_radius_km=float(e.get("MAX_RADIUS_KM") or 50.0),
        )
