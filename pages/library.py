"""Scenario library: keep named scenarios on disk, load them back, rename and delete them."""

from ui import library, sidebar

scenario, _ = sidebar.page(
    "Scenario library",
    "Named scenarios kept on this computer (or this server): save the current one, load, "
    "rename or delete. Each tab's unsaved edits are also kept on their own, as a draft tied "
    "to the tab's address, so a reload or a restart never loses them.",
)
library.render(scenario)
