"""Library operations behind ``screener corpus``: build, add, remove, info, verify and fingerprint packs."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path

from screener.errors import StoreError
from screener.fingerprint.ingest import FileReport, ingest_files
from screener.fingerprint.integrity import create_private
from screener.fingerprint.manifest import Manifest
from screener.fingerprint.shingle import key_id
from screener.fingerprint.store import FingerprintStore
from screener.text.extract import Limits

DEFAULT_K = 3  # --k 2 finds lightly edited passages from the index too, at about 10x the query time
DEFAULT_WINDOW = 4
# A pack keeps every 2-term shingle: its passages cannot be aligned on text, so seeds are its only evidence,
# and heavily edited passages keep too few winnowed 3-term ones (README, "Fingerprint packs": recall, size and
# what the key holder can learn from them).
PACK_K = 2
PACK_WINDOW = 1
KEY_BYTES = 32


def new_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def read_key(path: Path) -> bytes:
    """A key file holds 32 or more random bytes, raw or as hex text."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise StoreError(f"cannot read key file {path} ({exc.__class__.__name__})", code="E416") from exc
    text = raw.strip()
    try:
        key = bytes.fromhex(text.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        key = raw
    if not 16 <= len(key) <= 64:
        raise StoreError(f"key file {path} must hold 16 to 64 bytes (raw or hex)", code="E416")
    return key


def write_key(path: Path) -> bytes:
    """A new random key, written as hex to a new file of mode 0600 (whatever the umask)."""
    key = new_key()
    try:
        create_private(Path(path), (key.hex() + "\n").encode("ascii"))
    except FileExistsError:
        raise StoreError(f"{path} exists: refusing to overwrite a key", code="E416") from None
    except OSError as exc:
        raise StoreError(f"cannot write key file {path} ({exc.__class__.__name__})", code="E416") from exc
    return key


def pack_key_path(pack: Path) -> Path:
    """Where the screener looks for a pack's key: ``NAME.key`` beside ``NAME.pack``."""
    return Path(pack).with_suffix(".key")


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def build(
    paths: Iterable[Path], name: str, out: Path, *, key: bytes | None = None, k: int = DEFAULT_K,
    window: int = DEFAULT_WINDOW, role: str = "protect", limits: Limits | None = None,
) -> tuple[Manifest, list[FileReport]]:
    """Index documents with their plaintext (exact alignment) into a new SQLite store at ``out``."""
    key = key or new_key()
    manifest = Manifest(name=name, kind="index", role=role, k=k, window=window, key_id=key_id(key), created=_now())
    return _fill(FingerprintStore.create(Path(out), manifest, key), paths, limits)


def fingerprint(
    paths: Iterable[Path], name: str, out: Path, key: bytes, *, expires: date | None = None, k: int = PACK_K,
    window: int = PACK_WINDOW, limits: Limits | None = None,
) -> tuple[Manifest, list[FileReport]]:
    """Write a pack: keyed hashes, document ids and section labels only, with an id, creation date and expiry."""
    manifest = Manifest(
        name=name, kind="pack", role="protect", k=k, window=window, key_id=key_id(key), created=_now(),
        pack_id=str(uuid.uuid4()), expires=expires.isoformat() if expires else "",
    )
    return _fill(FingerprintStore.create(Path(out), manifest, key), paths, limits)


def _fill(store: FingerprintStore, paths: Iterable[Path], limits: Limits | None) -> tuple[Manifest, list[FileReport]]:
    try:
        reports = ingest_files(store, paths, limits)
        return store.commit(), reports
    finally:
        store.close()


def add(index: Path, paths: Iterable[Path], limits: Limits | None = None) -> tuple[Manifest, list[FileReport]]:
    store = FingerprintStore.open(Path(index), writable=True)
    if store.manifest.kind != "index":
        store.close()
        raise StoreError(f"{index} is a fingerprint pack: rebuild it at its owner instead", code="E418")
    return _fill(store, paths, limits)


def remove(index: Path, refs: Iterable[str]) -> tuple[Manifest, list[str], list[str]]:
    """Remove documents by id; returns the manifest, the ids removed and the ids not found. Raises StoreError
    E421, changing nothing, when that would leave the store holding no document (a scan would refuse it: delete
    the file instead)."""
    store = FingerprintStore.open(Path(index), writable=True)
    try:
        refs = list(refs)
        present = {d.ref for d in store.documents().values()}
        if present and present <= set(refs):
            raise StoreError(f"removing every document would leave {index} holding none; nothing was removed "
                             "(delete the file instead)", code="E421")
        removed: list[str] = []
        missing: list[str] = []
        for ref in refs:
            (removed if store.remove_document(ref) else missing).append(ref)
        return (store.commit() if removed else store.manifest), removed, missing  # nothing removed: not rewritten
    finally:
        store.close()


def open_store(path: Path, key_file: Path | None = None) -> FingerprintStore:
    """Open and check an index, or a pack with its key (``key_file`` or ``NAME.key`` beside it); check expiry.

    Raises StoreError (E41x) for a store that is missing, damaged, edited, foreign, expired or keyless, and
    E422 for a protecting store that holds no document (a scan against it would pass everything)."""
    path = Path(path)
    key = None
    if path.suffix == ".pack":
        key = read_key(key_file or pack_key_path(path))
    store = FingerprintStore.open(path, key=key)
    if store.manifest.role == "protect" and store.manifest.docs == 0:
        store.close()
        raise StoreError(f"{path} holds no document: screening against it would find nothing (add documents "
                         "with `screener corpus add`, or leave it out)", code="E422")
    expires = store.manifest.expires
    if expires and date.fromisoformat(expires) < datetime.now(UTC).date():
        store.close()
        raise StoreError(f"{path}: fingerprint pack {store.manifest.pack_id} expired on {expires}", code="E420")
    return store


def verify(path: Path, key_file: Path | None = None) -> tuple[Manifest, list[str]]:
    """The full check of a store (FingerprintStore.verify): its manifest and every problem found. A pack is
    checked with its key (``key_file`` or ``NAME.key`` beside it); without one, its keyed digests are not."""
    path = Path(path)
    key = None
    if path.suffix == ".pack" and (key_file or pack_key_path(path).exists()):
        key = read_key(key_file or pack_key_path(path))
    store = FingerprintStore.open(path, key=key, check_key=False, check=False)
    try:
        return store.manifest, store.verify()
    finally:
        store.close()
