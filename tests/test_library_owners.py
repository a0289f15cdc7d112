"""Issue 16 point 2 at the store: each signed-in person's library, drafts and trash are their
own (another user can neither list, open, overwrite, rename nor delete them), sharing is an
explicit copy others can open but not change, and a delete can be undone for a while."""

from __future__ import annotations

import os
import time

import pytest

import sim
from sim.store.library import Drafts, Library, LibraryError, owner_folder

QUEUE, OTHER = sim.preset("mm1-queue"), sim.preset("mm1-queue").model_copy(update={"seed": 7})


@pytest.fixture
def alice(tmp_path):
    return Library(tmp_path, owner="alice")


@pytest.fixture
def bob(tmp_path):
    return Library(tmp_path, owner="bob")


def test_users_never_see_each_others_entries(alice, bob, tmp_path):
    alice.save("plan", QUEUE)
    assert alice.names() == ["plan"]
    assert bob.names() == []  # cannot list
    assert Library(tmp_path).names() == []  # nor does the single-user library
    assert not bob.exists("plan")
    with pytest.raises(LibraryError, match="no scenario named 'plan'"):
        bob.load("plan")  # cannot open
    with pytest.raises(LibraryError, match="no scenario named 'plan'"):
        bob.rename("plan", "mine now")  # cannot rename
    with pytest.raises(LibraryError, match="no scenario named 'plan'"):
        bob.delete("plan")  # cannot delete
    bob.save("plan", OTHER)  # "overwrite": Bob's own entry of that name, not Alice's
    assert alice.load("plan") == QUEUE and bob.load("plan") == OTHER
    assert alice.names() == ["plan"] and bob.names() == ["plan"]


def test_user_folders_are_safe_and_distinct(tmp_path):
    names = {owner_folder(u) for u in ["alice", "Alice", "../../etc", "a/b", "a_b", "ü" * 300]}
    assert len(names) == 6
    for name in names:
        assert "/" not in name and not name.startswith(".") and len(name.encode()) <= 60
    Library(tmp_path, owner="../../x").save("n", QUEUE)
    written = [p for p in tmp_path.rglob("*.yaml")]
    assert len(written) == 1 and written[0].parent.parent.parent == tmp_path / "users"


def test_drafts_are_kept_per_user(tmp_path):
    mine, theirs = Drafts(tmp_path, owner="alice"), Drafts(tmp_path, owner="bob")
    tab = Drafts.new_id()
    mine.save(tab, {"x": 1})
    assert mine.load(tab) == {"x": 1}
    assert theirs.load(tab) is None  # the tab's address alone opens nothing of Alice's
    assert [d for d, _, _ in mine.recent()] == [tab]
    assert theirs.recent() == []
    theirs.delete(tab)
    assert mine.load(tab) == {"x": 1}


def test_sharing_is_a_read_only_copy_for_others(alice, bob):
    alice.save("lecture", QUEUE)
    assert bob.shared() == []
    assert alice.share("lecture", by="Alice A.") == "lecture"
    assert bob.shared() == [("lecture", "Alice A.", False)]
    assert alice.shared() == [("lecture", "Alice A.", True)]
    assert bob.load_shared("lecture") == QUEUE
    assert bob.names() == []  # not in Bob's own library
    bob.save("lecture", OTHER)
    with pytest.raises(LibraryError, match="already shared by someone else"):
        bob.share("lecture")  # cannot overwrite Alice's shared entry
    with pytest.raises(LibraryError, match="not shared by you"):
        bob.unshare("lecture")  # nor withdraw it
    assert bob.load_shared("lecture") == QUEUE
    alice.save("lecture", OTHER)  # a copy: the shared one changes when shared again
    assert bob.load_shared("lecture") == QUEUE
    alice.share("lecture", by="Alice A.")
    assert bob.load_shared("lecture") == OTHER
    alice.unshare("lecture")
    assert bob.shared() == []
    with pytest.raises(LibraryError, match="no shared scenario named 'lecture'"):
        bob.load_shared("lecture")
    assert alice.load("lecture") == OTHER  # the own entry stays


def test_the_single_user_library_has_no_sharing(tmp_path):
    lib = Library(tmp_path)
    lib.save("x", QUEUE)
    with pytest.raises(LibraryError, match="^share: sharing needs sign-in"):
        lib.share("x")
    assert lib.shared() == []


def test_delete_goes_to_the_trash_and_can_be_restored(alice, bob):
    alice.save("plan", QUEUE)
    trash_id = alice.delete("plan")
    assert alice.names() == []
    [(tid, name, when)] = alice.trash()
    assert (tid, name) == (trash_id, "plan") and abs(when - time.time()) < 60
    assert bob.trash() == []  # another user's trash is not visible
    with pytest.raises(LibraryError, match="no longer in the trash"):
        bob.restore(trash_id)  # nor restorable by them
    assert alice.restore(trash_id) == "plan"
    assert alice.load("plan") == QUEUE and alice.trash() == []


def test_restore_refuses_a_name_taken_again(alice):
    alice.save("plan", QUEUE)
    trash_id = alice.delete("plan")
    alice.save("plan", OTHER)
    with pytest.raises(LibraryError, match="^name: 'plan' exists in the library again"):
        alice.restore(trash_id)
    assert alice.load("plan") == OTHER and len(alice.trash()) == 1


def test_trash_ids_never_become_paths(alice):
    for bad in ["../x.yaml", "1-plan.yaml", "0000000000000000001-../../x.yaml", None]:
        with pytest.raises(LibraryError, match="^trash: "):
            alice.restore(bad)


def test_old_deletions_are_purged(alice):
    alice.save("old", QUEUE)
    alice.save("new", QUEUE)
    old = alice.delete("old")
    alice.delete("new")
    # Deleted 31 days ago: the deletion time is the one in the trash id.
    stamp = time.time_ns() - 31 * 24 * 3600 * 10**9
    os.rename(alice.trash_folder / old, alice.trash_folder / f"{stamp:019d}-old.yaml")
    assert [name for _, name, _ in alice.trash()] == ["new"]  # 30 days: purged when listed
    assert not (alice.trash_folder / f"{stamp:019d}-old.yaml").exists()


def test_single_user_delete_is_undoable_too(tmp_path):
    lib = Library(tmp_path)
    lib.save("x", QUEUE)
    lib.restore(lib.delete("x"))
    assert lib.names() == ["x"]
