"""Secrets for the live mail sources: from environment variables or the OS keyring, never files.

Lookup order for a secret NAME (e.g. ``imap-password``):
1. the environment variable ``DOCAUTO_<NAME>`` (upper case, ``-`` -> ``_``), e.g.
   ``DOCAUTO_IMAP_PASSWORD``, ``DOCAUTO_GRAPH_CLIENT_SECRET``;
2. the OS keyring (Windows Credential Manager, macOS Keychain, Secret Service), service
   ``docauto``, user name ``NAME`` or ``NAME:ACCOUNT`` - only when the optional ``keyring``
   extra is installed.

Certificates for Microsoft Graph are the one secret that must be a file; its path comes from
the environment and it is refused when it lies in the repository or next to the registry
(where it would be copied, backed up and shared with the workbook) or when others can read it.
The msal token cache lives in a per-user folder and is refused when group/world-readable.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from docauto.errors import ConfigError

KEYRING_SERVICE = "docauto"


def env_name(name: str) -> str:
    return "DOCAUTO_" + name.upper().replace("-", "_").replace(".", "_")


def _from_keyring(name: str, account: str | None) -> str | None:
    try:
        import keyring  # optional extra: pip install docauto[keyring]
    except ImportError:
        return None
    try:
        for user in ([f"{name}:{account}"] if account else []) + [name]:
            value = keyring.get_password(KEYRING_SERVICE, user)
            if value:
                return value
    except Exception:
        return None
    return None


def get_secret(name: str, *, account: str | None = None, required: bool = True) -> str | None:
    """The secret NAME from the environment or the keyring; ConfigError if required and absent."""
    value = os.environ.get(env_name(name))
    if value:
        return value
    value = _from_keyring(name, account)
    if value:
        return value
    if required:
        where = (
            f"nøgleringstjeneste '{KEYRING_SERVICE}', bruger '{name}:{account}' eller '{name}'"
            if account
            else f"nøgleringstjeneste '{KEYRING_SERVICE}', bruger '{name}'"
        )
        raise ConfigError(
            f"hemmelighed mangler: sæt {env_name(name)} eller gem den i styresystemets nøglering ({where})"
        )
    return None


def get_setting(name: str, default: str | None = None) -> str | None:
    """A non-secret setting from the environment (tenant id, client id, URLs)."""
    return os.environ.get(env_name(name)) or default


def _is_within(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except (ValueError, OSError):
        return False


def _repo_root(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


_FORBIDDEN: list[Path] = []


def forbid_dir(folder: Path) -> None:
    """Add a folder no secret may come from (the command that knows the registry calls it)."""
    if folder not in _FORBIDDEN:
        _FORBIDDEN.append(Path(folder))


def forbidden_secret_dirs(extra: list[Path] | None = None) -> list[Path]:
    """Folders no secret may be read from: the project checkout, the working copy, the
    registry's folder (DOCAUTO_REGISTRY_DIR or forbid_dir), extras."""
    dirs = [Path(__file__).resolve().parent.parent.parent, *_FORBIDDEN]
    here = _repo_root(Path.cwd())
    if here:
        dirs.append(here)
    env_extra = os.environ.get("DOCAUTO_REGISTRY_DIR")
    if env_extra:
        dirs.append(Path(env_extra))
    return dirs + list(extra or [])


def check_private_file(path: Path, *, what: str, forbidden: list[Path] | None = None) -> Path:
    """Refuse a secret file inside a forbidden folder or readable by group/others (POSIX)."""
    if not path.is_file():
        raise ConfigError(f"{what} findes ikke: {path}")
    for folder in forbidden_secret_dirs(forbidden):
        if _is_within(path, folder):
            raise ConfigError(
                f"{what} må ikke ligge i {folder} (projektet eller registrets mappe); "
                "flyt den til en privat mappe og lad variablen pege derhen"
            )
    if os.name == "posix" and path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError(f"{what} {path} kan læses af andre brugere", hint=f"chmod 600 {path}")
    return path


def user_cache_dir() -> Path:
    """Per-user cache folder without platformdirs: %LOCALAPPDATA%, ~/Library/Caches, XDG."""
    override = os.environ.get("DOCAUTO_CACHE_DIR")
    if override:
        base = Path(override)
    elif os.name == "nt":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local") / "docauto"
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches" / "docauto"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "docauto"
    return base


def private_dir(path: Path) -> Path:
    """Create a folder only its owner may enter (POSIX 0700; on Windows the user profile's ACL)."""
    path.mkdir(parents=True, exist_ok=True)
    if os.name == "posix":
        os.chmod(path, 0o700)
    return path


def token_cache_path(name: str) -> Path:
    return private_dir(user_cache_dir()) / f"{name}.tokencache.json"


def read_token_cache(path: Path) -> str | None:
    """The serialised token cache, or None; refuses one that others could read."""
    if not path.exists():
        return None
    if os.name == "posix" and path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError(
            f"token-cachen {path} kan læses af andre brugere; slet den "
            "(den bliver lavet igen med sikre rettigheder)"
        )
    return path.read_text(encoding="utf-8")


def write_token_cache(path: Path, text: str) -> None:
    """Write the token cache readable by its owner only (created 0600, then replaced)."""
    tmp = path.with_name(path.name + ".tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)
    fd = os.open(tmp, flags, 0o600)
    try:
        os.write(fd, text.encode("utf-8"))
    finally:
        os.close(fd)
    os.replace(tmp, path)
