"""Where the user's work is kept: a library of named scenarios and per-tab drafts.

Everything lives in one data directory: ``$QSCHED_DATA_DIR`` when set, else
``$XDG_DATA_HOME/qsched``, else ``~/.local/share/qsched``.

- ``library/NAME.yaml`` — one scenario file per library entry, in the ordinary scenario
  format, so an entry can also be run from the command line (``python -m sim run FILE``).
- ``drafts/ID.json`` — the unsaved state of one browser tab (see ``ui/drafts.py``), so that
  a reload or a server restart never loses an edit. Tabs have different ids, so two users of
  one server never see or overwrite each other's drafts; a draft names the browser it was
  made in (a random id), and only that browser is offered it back.
- ``trash/STAMP-NAME.yaml`` — a deleted entry (STAMP: when, in nanoseconds since the epoch),
  restorable for :data:`TRASH_DAYS` days, then purged.

That is the single-user layout (``owner=None``: the dashboard on loopback, the command line).
When the dashboard is served with sign-in (``ui/identity.py``) every signed-in person has the
same three folders of their own under ``users/FOLDER/`` (:func:`owner_folder`: the user id
made safe as a folder name), and nothing in the store API reaches another person's folder.
``shared/library/NAME.yaml`` holds the entries people chose to share: a copy, readable by
every signed-in person, replaced or withdrawn only by whoever shared it (its sidecar
``shared/owners/NAME.json`` says who).

Every write goes to a temporary file in the same folder and is then renamed over the target
(``os.replace`` is atomic on POSIX and Windows): a reader sees the old file or the new one,
never half of one, and of two concurrent saves to one name the last rename wins.

No Streamlit here.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from ..model.files import load
from ..model.scenario import Scenario, ScenarioError

DATA_DIR_ENV = "QSCHED_DATA_DIR"
NAME_MAX = 80
# File names are limited in bytes (255 on common file systems), and the temporary file of a
# write is ".NAME.yaml.XXXXXXXX.tmp": 19 bytes more. 80 CJK characters are 240 bytes.
NAME_MAX_BYTES = 200
# A temporary file older than this was left by a write that was killed (a write takes
# milliseconds); a rename's claim this old, by a rename that was killed.
STALE_SECONDS = 600
_TMP_SUFFIX = ".tmp"
_CLAIM_SUFFIX = ".renaming"
# An entry's name is its file's name, so it must be one on every system: none of the
# characters Windows refuses (the path separators among them), no control characters, no
# leading dot (hidden files, and our own temporary files start with one), no trailing dot
# (Windows drops it), and none of Windows' device names.
_FORBIDDEN = set('<>:"/\\|?*')
_RESERVED = {"con", "prn", "aux", "nul"} | {f"{d}{i}" for d in ("com", "lpt") for i in range(1, 10)}
_DRAFT_ID = re.compile(r"[0-9a-f]{32}")
DRAFT_MAX_AGE = 90 * 24 * 3600  # drafts untouched this long are removed (seconds)
TRASH_DAYS = 30  # a deleted entry can be restored this long, then it is purged
_TRASHED = re.compile(r"(\d{19})-(.+)\.yaml")


class LibraryError(ValueError):
    """A library operation refused: ``field`` names the input at fault."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def data_dir() -> Path:
    """The folder that holds the library and the drafts (created on first write)."""
    configured = os.environ.get(DATA_DIR_ENV)
    if configured:
        return Path(configured).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "qsched"


def owner_folder(owner: str) -> str:
    """The folder name of ``owner``'s work: readable (the id's letters, digits and ``. _ @ -``)
    and unique (a hash of the whole id: "Alice" and "alice", or ids that differ only in signs
    dropped here, never share a folder, even on a case-insensitive file system)."""
    if not isinstance(owner, str) or not owner:
        raise LibraryError("user", "a signed-in user id is required")
    slug = re.sub(r"[^A-Za-z0-9._@-]+", "_", owner)[:40].strip("._-")
    digest = hashlib.sha256(owner.encode("utf-8")).hexdigest()[:16]
    return f"{slug}-{digest}" if slug else digest


def owner_root(root: str | Path | None, owner: str | None) -> Path:
    """Where ``owner``'s library, drafts and trash live (``root`` itself when None)."""
    base = Path(root if root is not None else data_dir())
    return base if owner is None else base / "users" / owner_folder(owner)


def write_atomic(path: Path, text: str, overwrite: bool = True) -> None:
    """Write ``text`` to ``path`` so that no reader ever sees a partial file.

    With ``overwrite=False`` an existing file is left alone and :class:`FileExistsError` is
    raised; the check and the write are one atomic ``link`` call, so two writers racing for a
    new name cannot both win.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=_TMP_SUFFIX)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        if overwrite:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def _forbidden(c: str) -> bool:
    return c in _FORBIDDEN or ord(c) < 32 or ord(c) == 127


def suggest_name(text: str) -> str:
    """A name the rules accept, made from ``text`` (a scenario's title): "Lecture 3: batch"
    becomes "Lecture 3 - batch"."""
    text = re.sub(r"\s*:\s*", " - ", text).replace("/", "-").replace("\\", "-")
    text = "".join(" " if _forbidden(c) else c for c in text)
    name = " ".join(text.split())[:NAME_MAX].lstrip(". ").rstrip(". ")
    if name.split(".")[0].strip().casefold() in _RESERVED:
        name = f"{name} scenario"
    return name or "scenario"


def check_name(name: Any, field: str = "name") -> str:
    """The entry name, stripped; :class:`LibraryError` naming ``field`` when unusable."""
    if not isinstance(name, str) or not name.strip():
        raise LibraryError(field, "a name is required")
    name = name.strip()
    if len(name) > NAME_MAX:
        raise LibraryError(field, f"at most {NAME_MAX} characters (got {len(name)})")
    size = len(name.encode("utf-8"))
    if size > NAME_MAX_BYTES:
        raise LibraryError(
            field,
            f"at most {NAME_MAX_BYTES} bytes as a file name (UTF-8); this one has {size} "
            f"(letters outside ASCII take 2 to 4 bytes each)",
        )
    bad = sorted({c for c in name if _forbidden(c)})
    if bad:
        shown = " ".join(repr(c) for c in bad)
        raise LibraryError(
            field,
            f"{name!r}: a name is also a file name, and some systems refuse "
            f'< > : " / \\ | ? * and control characters in one (not allowed: {shown}); '
            f"for example {suggest_name(name)!r}",
        )
    if name.startswith("."):
        raise LibraryError(field, f"{name!r}: start with a letter, a digit or a sign, not '.'")
    if name.endswith("."):
        raise LibraryError(field, f"{name!r}: end with something other than '.'")
    if name.split(".")[0].strip().casefold() in _RESERVED:
        raise LibraryError(field, f"{name!r}: a name Windows keeps for a device")
    return name


def tidy(folder: Path, stale: float = STALE_SECONDS) -> None:
    """Clean up after writes and renames that were killed half-way: a temporary file is
    removed (the write never completed; the entry still has its old content); a rename's
    claim is a complete entry, put back under its old name unless that name was taken
    meanwhile, in which case it is kept under a recovered name. Only files older than
    ``stale`` seconds: younger ones may belong to a write still going on. Age is the inode's
    change time, which a rename resets (a claim keeps its entry's old modification time)."""
    cutoff = time.time() - stale
    for path in folder.glob(".*"):
        with contextlib.suppress(OSError):
            if path.stat().st_ctime >= cutoff:
                continue
            if path.name.endswith(_TMP_SUFFIX):
                path.unlink()
            elif path.name.endswith(_CLAIM_SUFFIX):
                name = path.name[1:].split(".yaml.", 1)[0]
                for candidate in (name, f"{name} (recovered)"):
                    with contextlib.suppress(FileExistsError):
                        os.link(path, folder / f"{candidate}.yaml")
                        path.unlink()
                        break


class Library:
    """Named scenarios, one YAML file each, under ``root`` (default: the data directory).

    ``owner`` (a signed-in user's id) selects that person's own library, trash and view of
    the shared entries; None is the single-user library, which has no shared area.
    """

    def __init__(self, root: str | Path | None = None, owner: str | None = None):
        base = Path(root if root is not None else data_dir())
        self.owner = owner
        mine = owner_root(base, owner)
        self.folder = mine / "library"
        self.trash_folder = mine / "trash"
        self.shared_folder = base / "shared" / "library"
        self._owners_folder = base / "shared" / "owners"

    def _path(self, name: str, field: str = "name") -> Path:
        return self.folder / f"{check_name(name, field)}.yaml"

    def names(self) -> list[str]:
        """Entry names, sorted case-insensitively."""
        if not self.folder.is_dir():
            return []
        tidy(self.folder)
        names = [p.stem for p in self.folder.glob("*.yaml") if not p.name.startswith(".")]
        return sorted(names, key=lambda n: (n.casefold(), n))

    def exists(self, name: str) -> bool:
        return self._path(name).is_file()

    def save(self, name: str, scenario: Scenario, overwrite: bool = True) -> str:
        """Store ``scenario`` under ``name`` (replacing it unless ``overwrite`` is False)."""
        path = self._path(name)
        try:
            write_atomic(path, scenario.to_yaml(), overwrite=overwrite)
        except FileExistsError:
            raise LibraryError(
                "name", f"{path.stem!r} already exists; choose another name"
            ) from None
        return path.stem

    def save_as(self, name: str, scenario: Scenario) -> str:
        """Store under a new name; refuses a name already taken."""
        return self.save(name, scenario, overwrite=False)

    def load(self, name: str) -> Scenario:
        """The stored scenario; :class:`LibraryError` if there is none,
        :class:`sim.ScenarioError` if the file was edited into an invalid scenario."""
        path = self._path(name)
        if not path.is_file():
            raise LibraryError("name", f"no scenario named {path.stem!r} in the library")
        try:
            return load(path)
        except ScenarioError as err:
            if any("no such file" in p.message for p in err.problems):  # deleted meanwhile
                raise LibraryError("name", f"no scenario named {path.stem!r}") from None
            raise

    def rename(self, old: str, new: str) -> str:
        source, target = self._path(old, "name"), self._path(new, "new name")
        if not source.is_file():
            raise LibraryError("name", f"no scenario named {source.stem!r} in the library")
        if source == target:
            return target.stem
        # First claim the entry by renaming it to a private name: of two renames at once only
        # one can (the other finds no file), so they never leave two copies. Then link()
        # puts it under the new name, refusing an existing one atomically.
        claim = source.with_name(f".{source.name}.{uuid.uuid4().hex[:8]}{_CLAIM_SUFFIX}")
        try:
            os.rename(source, claim)
        except FileNotFoundError:
            raise LibraryError(
                "name", f"{source.stem!r} was renamed or deleted meanwhile; nothing was changed"
            ) from None
        try:
            os.link(claim, target)
        except FileExistsError:
            os.rename(claim, source)
            raise LibraryError(
                "new name", f"{target.stem!r} already exists; choose another name"
            ) from None
        os.unlink(claim)
        return target.stem

    def delete(self, name: str) -> str:
        """Move the entry to the trash (see :meth:`restore`); returns its trash id."""
        path = self._path(name)
        self.trash_folder.mkdir(parents=True, exist_ok=True)
        trashed = self.trash_folder / f"{time.time_ns():019d}-{path.name}"
        try:
            os.rename(path, trashed)  # one atomic step: the entry is in one place or the other
        except FileNotFoundError:
            raise LibraryError("name", f"no scenario named {path.stem!r} in the library") from None
        return trashed.name

    # --- the trash ------------------------------------------------------------------------

    def trash(self, days: float = TRASH_DAYS) -> list[tuple[str, str, float]]:
        """Deleted entries as (trash id, name, deleted at: seconds since the epoch), newest
        first; those deleted more than ``days`` days ago are purged first."""
        self.purge(days)
        if not self.trash_folder.is_dir():
            return []
        out = []
        for path in self.trash_folder.glob("*.yaml"):
            if found := _TRASHED.fullmatch(path.name):
                out.append((path.name, found[2], int(found[1]) / 1e9))
        return sorted(out, key=lambda t: t[2], reverse=True)

    def _trashed(self, trash_id: Any) -> tuple[Path, str]:
        found = _TRASHED.fullmatch(trash_id) if isinstance(trash_id, str) else None
        if not found:
            raise LibraryError("trash", f"not a deleted entry: {trash_id!r}")
        name = check_name(found[2], "trash")  # never a path: a name the library accepts
        return self.trash_folder / f"{found[1]}-{name}.yaml", name

    def restore(self, trash_id: str) -> str:
        """Put a deleted entry back under its name; refuses when that name is taken again."""
        path, name = self._trashed(trash_id)
        target = self._path(name)
        self.folder.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, target)  # refuses an existing name atomically
        except FileNotFoundError:
            raise LibraryError(
                "trash", f"{name!r} is no longer in the trash (restored or purged)"
            ) from None
        except FileExistsError:
            raise LibraryError(
                "name", f"{name!r} exists in the library again; rename that one first"
            ) from None
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        return name

    def purge(self, days: float = TRASH_DAYS) -> int:
        """Remove entries deleted more than ``days`` days ago (by the deletion time in their
        trash id: a rename keeps the file's own times); returns how many."""
        if not self.trash_folder.is_dir():
            return 0
        cutoff, removed = time.time_ns() - int(days * 24 * 3600 * 1e9), 0
        for path in self.trash_folder.glob("*.yaml"):
            found = _TRASHED.fullmatch(path.name)
            if found and int(found[1]) < cutoff:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
                    removed += 1
        return removed

    # --- sharing --------------------------------------------------------------------------

    def _owned(self, name: str) -> Path:
        return self._owners_folder / f"{check_name(name)}.json"

    def _sharer(self, name: str) -> dict[str, Any] | None:
        try:
            data = json.loads(self._owned(name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def _need_owner(self) -> str:
        if self.owner is None:
            raise LibraryError("share", "sharing needs sign-in: this library has one user")
        return owner_folder(self.owner)

    def share(self, name: str, by: str = "") -> str:
        """Copy the own entry ``name`` to the shared area, where every signed-in person can
        open it but only its sharer can replace (share again) or withdraw it (:meth:`unshare`).
        ``by`` is how the sharer is shown to others. A copy: later saves to the own entry are
        not seen there until it is shared again."""
        me = self._need_owner()
        scenario = self.load(name)
        name = check_name(name)
        claim = json.dumps({"owner": me, "by": by or me}, sort_keys=True)
        try:
            write_atomic(self._owned(name), claim, overwrite=False)  # first sharer wins
        except FileExistsError:
            if (self._sharer(name) or {}).get("owner") != me:
                raise LibraryError(
                    "name",
                    f"{name!r} is already shared by someone else; rename yours to share it",
                ) from None
        write_atomic(self.shared_folder / f"{name}.yaml", scenario.to_yaml())
        return name

    def unshare(self, name: str) -> None:
        """Withdraw a shared entry; only its sharer may (the own entry stays)."""
        me = self._need_owner()
        if (self._sharer(name) or {}).get("owner") != me:
            raise LibraryError("name", f"{check_name(name)!r} is not shared by you")
        with contextlib.suppress(FileNotFoundError):
            (self.shared_folder / f"{check_name(name)}.yaml").unlink()
        with contextlib.suppress(FileNotFoundError):
            self._owned(name).unlink()

    def shared(self) -> list[tuple[str, str, bool]]:
        """Shared entries as (name, shown sharer, shared by me), sorted by name; none in the
        single-user library."""
        if self.owner is None or not self.shared_folder.is_dir():
            return []
        me = owner_folder(self.owner)
        out = []
        for path in self.shared_folder.glob("*.yaml"):
            if path.name.startswith("."):
                continue
            sharer = self._sharer(path.stem) or {}
            out.append((path.stem, str(sharer.get("by", "")), sharer.get("owner") == me))
        return sorted(out, key=lambda t: (t[0].casefold(), t[0]))

    def load_shared(self, name: str) -> Scenario:
        """A shared entry (signed-in users only)."""
        self._need_owner()
        path = self.shared_folder / f"{check_name(name)}.yaml"
        if not path.is_file():
            raise LibraryError("name", f"no shared scenario named {path.stem!r}")
        try:
            return load(path)
        except ScenarioError as err:
            if any("no such file" in p.message for p in err.problems):
                raise LibraryError("name", f"no shared scenario named {path.stem!r}") from None
            raise


class Drafts:
    """The unsaved state of each browser tab, as JSON, keyed by a random id; with ``owner``,
    that signed-in person's drafts only."""

    def __init__(self, root: str | Path | None = None, owner: str | None = None):
        self.folder = owner_root(root, owner) / "drafts"

    @staticmethod
    def new_id() -> str:
        return uuid.uuid4().hex

    @staticmethod
    def valid_id(text: Any) -> bool:
        """Only ids we could have made: a URL parameter never becomes an arbitrary path."""
        return isinstance(text, str) and _DRAFT_ID.fullmatch(text) is not None

    def _path(self, draft_id: str) -> Path:
        if not self.valid_id(draft_id):
            raise LibraryError("draft", f"not a draft id: {draft_id!r}")
        return self.folder / f"{draft_id}.json"

    def save(self, draft_id: str, data: dict[str, Any]) -> None:
        write_atomic(self._path(draft_id), json.dumps(data, sort_keys=True, allow_nan=False))

    def load(self, draft_id: str) -> dict[str, Any] | None:
        """The draft, or None when there is none (or it cannot be read: start afresh)."""
        if not self.valid_id(draft_id):
            return None
        try:
            data = json.loads(self._path(draft_id).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def delete(self, draft_id: str) -> None:
        """Remove a draft (nothing happens when there is none)."""
        with contextlib.suppress(FileNotFoundError):
            self._path(draft_id).unlink()

    def recent(
        self, limit: int = 5, exclude: str = "", owner: str | None = None
    ) -> list[tuple[str, float, dict[str, Any]]]:
        """The ``limit`` most recently written drafts as (id, time written, data); with
        ``owner``, only the drafts whose ``browser`` is that."""
        if not self.folder.is_dir():
            return []
        stamped = []
        for path in self.folder.glob("*.json"):
            with contextlib.suppress(OSError):
                if self.valid_id(path.stem) and path.stem != exclude:
                    stamped.append((path.stat().st_mtime, path.stem))
        out = []
        for written, draft_id in sorted(stamped, reverse=True):
            data = self.load(draft_id)
            if data is not None and (owner is None or data.get("browser") == owner):
                out.append((draft_id, written, data))
            if len(out) == limit:
                break
        return out

    def prune(self, max_age: float = DRAFT_MAX_AGE) -> int:
        """Remove drafts not written for ``max_age`` seconds; returns how many."""
        if not self.folder.is_dir():
            return 0
        tidy(self.folder)
        cutoff, removed = time.time() - max_age, 0
        for path in self.folder.glob("*.json"):
            with contextlib.suppress(OSError):
                if path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
        return removed
