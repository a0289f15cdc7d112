"""Issue 13, items 3 and 4, in Chromium: where the Timeline's Gantt bars are drawn, measured in
pixels against the row labels, in WebGL and in SVG mode; the 100k-job overview's drawn busy
share, legends, shared time axis, zoom and colours. The figures' JSON side is in
tests/test_figures_gantt.py."""

from __future__ import annotations

import io

import numpy as np
import pytest

import sim
from figures.gantt import BAR
from tests.browser import TIMEOUT_MS, LinkSession, Session
from tests.test_browser import GANTTS_DRAWN, NEXT_FRAME, _fleet_file

pytestmark = pytest.mark.browser

USER_BLUE = (0x63, 0x6E, 0xFA)  # the mm1-queue preset's only user, coloured by user

# The first chart on the page, its plot area and row geometry in page pixels.
GEOMETRY = """gd => {
    const box = gd.getBoundingClientRect(), L = gd._fullLayout, xa = L.xaxis, ya = L.yaxis;
    const y = v => box.top + ya._offset + ya.l2p(v);
    const label = [...gd.querySelectorAll('.ytick text')].find(t => t.textContent === 'ibm_delta')
        .getBoundingClientRect();
    return {left: box.left + xa._offset, width: xa._length, top: box.top, x0: xa.range[0],
            x1: xa.range[1], label: label.top + label.height / 2, row: Math.abs(y(-1) - y(0)),
            types: gd._fullData.filter(t => t.meta === 'job').map(t => t.type)};
}"""


def _band(tab, gd) -> tuple[dict, float, float]:
    """The chart's geometry, and the top and bottom (page px) of the rows where the job colour
    fills over a tenth of the plot's width."""
    from PIL import Image

    g = gd.evaluate(GEOMETRY)
    shot = np.asarray(Image.open(io.BytesIO(gd.screenshot())).convert("RGB")).astype(int)
    blue = np.all(np.abs(shot - np.array(USER_BLUE)) < 40, axis=2)
    rows = np.flatnonzero(blue.sum(axis=1) > 0.1 * g["width"])
    assert len(rows), "no job bars drawn"
    assert rows[-1] - rows[0] + 1 == len(rows), "the bars are drawn in more than one band"
    box = gd.bounding_box()
    return g, box["y"] + rows[0], box["y"] + rows[-1] + 1


def _hover_job(tab, gd, g, y: float) -> tuple[str, float]:
    """Hover over a drawn job pixel on the row's label line; the job id the tooltip names."""
    from PIL import Image

    box = gd.bounding_box()
    shot = np.asarray(Image.open(io.BytesIO(gd.screenshot())).convert("RGB")).astype(int)
    blue = np.all(np.abs(shot - np.array(USER_BLUE)) < 40, axis=2)
    inside = np.arange(blue.shape[1])
    inside = (inside > g["left"] - box["x"] + 5) & (inside < g["left"] - box["x"] + g["width"] - 5)
    rows = [int(round(y - box["y"])) + d for d in (0, -1, 1, -2, 2)]
    line = max(rows, key=lambda r: int((blue[r] & inside).sum()))  # the label's line, or next
    xs = np.flatnonzero(blue[line] & inside)
    assert len(xs), "no job drawn on the label's line"
    y = box["y"] + line + 0.5
    x = box["x"] + float(xs[len(xs) // 2])
    tab.page.mouse.move(x, y)
    gd.locator(".hoverlayer .hovertext").first.wait_for(timeout=TIMEOUT_MS)
    # The tooltip's first line (an SVG tspan) is the job id, in bold.
    first = gd.evaluate(
        "gd => { const t = gd.querySelector('.hoverlayer .hovertext text');"
        " const line = t.querySelector('tspan.line'); return (line || t).textContent; }"
    )
    return first.split("user")[0].strip(), x


def _check_row(tab, gd, jobs) -> tuple[float, float]:
    """Bars centred on their row's label, as thick as BAR rows; hovering a drawn bar names a
    job whose bar is drawn under the pointer. Returns the band's edges relative to the
    label, in rows (a row's height in pixels depends on the chart's margins)."""
    g, top, bottom = _band(tab, gd)
    assert abs((top + bottom) / 2 - g["label"]) <= 2, (top, bottom, g["label"])
    assert abs((bottom - top) - BAR * g["row"]) <= 3, (bottom - top, g["row"])
    job, x = _hover_job(tab, gd, g, g["label"])
    assert job in jobs.index, job
    px = lambda hours: g["left"] + (hours - g["x0"]) / (g["x1"] - g["x0"]) * g["width"]  # noqa: E731
    a, z = (px(jobs.loc[job, c] / 3600) for c in ("started", "finished"))
    assert a - 2 <= x <= z + 2, (job, a, x, z)
    tab.page.mouse.move(0, 0)
    return (top - g["label"]) / g["row"], (bottom - g["label"]) / g["row"]


def test_webgl_and_svg_bars_sit_on_their_row(server, browser):
    """Issue 13, item 3: above the SVG threshold (mm1-queue, 5,247 jobs) the WebGL bars were
    drawn half a row below the backend's label (the reversed y range), thinner than the SVG
    bars, and hovering them showed nothing. Narrowed with the hours slider the same run is
    drawn as SVG bars, which must sit exactly where the WebGL ones do."""
    jobs = sim.run(sim.preset("mm1-queue")).jobs.set_index("job_id")
    tab = LinkSession(browser, f"{server}/timeline?scenario=preset:mm1-queue", "Timeline")
    try:
        page = tab.page
        page.wait_for_function(GANTTS_DRAWN, arg=1, timeout=TIMEOUT_MS, polling=100)
        page.evaluate(NEXT_FRAME)
        gd = page.locator(".js-plotly-plot").first
        assert gd.evaluate(GEOMETRY)["types"] == ["scattergl"]
        webgl = _check_row(tab, gd, jobs)
        # Narrow the window to the first tenth of the run (PageDown moves a slider's end by
        # a tenth of its range): a few hundred jobs, drawn as SVG bars.
        end = page.locator('input[aria-label="Show hours — end"]')
        end.focus()
        for _ in range(9):
            end.press("PageDown")
        page.wait_for_function(
            "() => { const gd = document.querySelector('.js-plotly-plot');"
            " return gd && gd._fullData && gd._fullData.some(t => t.meta === 'job' && "
            "t.type === 'bar'); }",
            timeout=TIMEOUT_MS,
            polling=100,
        )
        tab.settle("Timeline")
        gd = page.locator(".js-plotly-plot").first
        assert gd.evaluate(GEOMETRY)["types"] == ["bar"]
        svg = _check_row(tab, gd, jobs)
        # The same band around the label in both modes: BAR / 2 of a row above and below.
        assert webgl == pytest.approx(svg, abs=0.03)
        assert svg == pytest.approx((-BAR / 2, BAR / 2), abs=0.03)
        # Opened on a page's path, Streamlit first probes /timeline/_stcore/... (harmless 404s,
        # see test_a_shared_link_opens_that_scenario_on_that_page); anything else fails.
        probes = {f"{server}/timeline/_stcore/{e}" for e in ("health", "host-config")}
        assert set(tab.missing) <= probes, tab.missing
        errors = [e for e in tab.errors if "status of 404" not in e]
        assert not errors, "\n".join(errors)
    finally:
        tab.close()


# Per chart: its plot area in page px, its x range, dragmode, legend entries, the drawn area
# (px²) of its job bars, and its job and queue line colours.
CHARTS = """() => [...document.querySelectorAll('.js-plotly-plot')].map(gd => {
    const box = gd.getBoundingClientRect(), L = gd._fullLayout, xa = L.xaxis, ya = L.yaxis;
    let area = 0;
    for (const g of gd.querySelectorAll('.barlayer .trace')) {
        if (g.__data__[0].trace.meta !== 'job') continue;
        for (const p of g.querySelectorAll('.point path')) {
            const b = p.getBBox();
            area += b.width * b.height;
        }
    }
    const jobs = gd._fullData.filter(t => t.meta === 'job').map(t => t.marker.color);
    const lines = gd._fullData.filter(t => t.meta === 'queue').map(t => t.line.color);
    return {left: box.left + xa._offset, right: box.left + xa._offset + xa._length,
            range: xa.range, yrange: ya.range, dragmode: L.dragmode, fixed: !!ya.fixedrange,
            legend: gd.querySelectorAll('.legend .traces').length, area, jobs, lines,
            band: ya.type ? Math.abs(ya.l2p(-0.5 - 0.4) - ya.l2p(-0.5 + 0.4)) : 0,
            runPx: Math.abs(xa.l2p(xa.range[1]) - xa.l2p(0)),
            title: (L.title.text || '').replace(/<[^>]*>/g, '')};
})"""


def test_the_100k_overview_draws_busy_time_on_one_time_axis(server, browser, tmp_path):
    """Issue 13, item 4: at 100k jobs the overview's solid slices made every backend look
    100 % busy. Now the area drawn is the busy time: in each backend's chart, the job bars'
    area over the area of a full bar band across the run is that backend's utilization. Every
    backend keeps a legend, all charts (the queue chart too) share one time axis in page
    pixels, a box drag zooms time, and no queue line wears a job group's colour."""
    path, name = _fleet_file(tmp_path, 100_000)
    tab = Session(browser, server)
    try:
        page = tab.page
        tab.upload_and_run(path, name)
        page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Timeline").click()
        page.wait_for_function(GANTTS_DRAWN, arg=5, timeout=TIMEOUT_MS, polling=100)
        tab.settle("Timeline")
        page.evaluate(NEXT_FRAME)
        charts = page.evaluate(CHARTS)
        gantts, queue = charts[:4], charts[4]
        assert [c["title"] for c in gantts] == ["ibm_b0", "ibm_b1", "ibm_b2", "ibm_b3"]
        result = sim.run(sim.load(path))
        busy = result.utilization()
        for c in gantts:
            drawn = c["area"] / (c["band"] * c["runPx"])
            # From the timeline: the backend ran jobs 80-82 % of the run (utilization()).
            assert drawn == pytest.approx(busy[c["title"]], abs=0.03), (c["title"], drawn)
            assert c["legend"] >= 3  # kinds and users
        for c in charts:
            assert c["dragmode"] == "zoom" and c["fixed"]
            assert c["left"] == pytest.approx(gantts[0]["left"], abs=1)
            assert c["right"] == pytest.approx(gantts[0]["right"], abs=1)
            assert c["range"] == pytest.approx(gantts[0]["range"], rel=1e-6)
        job_colours = {x.upper() for c in gantts for x in c["jobs"]}
        assert len(queue["lines"]) == 4 and not job_colours & {x.upper() for x in queue["lines"]}
        # A box drag over 5 % of the first chart zooms to those 5 % of the run.
        gd = page.locator(".js-plotly-plot").first
        box = gd.locator(".nsewdrag").first.bounding_box()
        y = box["y"] + box["height"] / 2
        page.mouse.move(box["x"] + box["width"] * 0.40, y)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] * 0.45, y, steps=5)
        page.mouse.up()
        before = gantts[0]["range"]
        page.wait_for_function(
            "([gd, r]) => gd._fullLayout.xaxis.range[0] !== r",
            arg=[gd.element_handle(), before[0]],
            timeout=TIMEOUT_MS,
            polling=50,
        )
        after = gd.evaluate("gd => [gd._fullLayout.xaxis.range, gd._fullLayout.yaxis.range]")
        width = before[1] - before[0]
        assert after[0][1] - after[0][0] == pytest.approx(0.05 * width, rel=0.1)
        assert after[0][0] == pytest.approx(before[0] + 0.40 * width, rel=0.02)
        assert after[1] == pytest.approx(gantts[0]["yrange"])  # rows untouched
        assert not tab.errors, "\n".join(tab.errors)
    finally:
        tab.close()
