"""Validation: upload a job trace, replay it with a background load, and compare simulated
with observed queue waits (issue 18). The work is sim.traces.validate; the figures are
figures.validation; this page only lays them out."""

import streamlit as st

import sim
from figures.validation import qq_figure, quantile_table
from sim.traces import FORMATS, TraceError
from sim.traces.validate import MAX_UPLOAD_BYTES, calibration_report, validate_upload
from ui import sidebar
from ui.text import md

RESULT = "validation_result"

sidebar.page(
    "Validation",
    "Upload a job trace (at most 1 MB; `python -m sim trace validate` has no limit). Its jobs "
    "are replayed at their recorded submission times with their recorded QPU times, beside a "
    "background stream on every machine that uses the chosen fraction of it; the waits the "
    "simulator gives the trace's jobs are compared with the waits that were observed.",
)
upload = st.file_uploader(
    "Trace file", type=["csv", "jsonl", "json", "swf", "txt"], key="validation_upload"
)
left, middle, right = st.columns(3)
with left:
    fmt = st.selectbox(
        "Format", FORMATS, index=FORMATS.index("quantumqueue"), key="validation_format"
    )
    mapping = ""
    if fmt == "csv":
        mapping = st.text_input(
            "Column mapping (csv)",
            key="validation_map",
            placeholder="submitted=created,started=running,machine=backend",
        )
with middle:
    calibrate = st.checkbox(
        "Calibrate the background on the earlier half",
        key="validation_cal",
        help="choose the utilization with the smallest KS distance on the "
        "earlier half; the table then shows the later half only",
    )
    utilization = st.slider(
        "Background utilization", 0.0, 0.95, 0.0, 0.05, key="validation_u", disabled=calibrate
    )
with right:
    reps = st.number_input("Replications", 1, 20, 2, key="validation_reps")

if upload is not None and st.button("Compare", type="primary", key="validation_go"):
    data = upload.getvalue()
    try:
        with st.spinner("Replaying the trace…"):
            comparison, cal = validate_upload(data, fmt, mapping, utilization, int(reps), calibrate)
        st.session_state[RESULT] = (upload.name, comparison, cal)
    except TraceError as err:
        st.session_state[RESULT] = (upload.name, str(err), None)
    except sim.ScenarioError as err:
        st.session_state[RESULT] = (upload.name, "\n".join(map(str, err.problems)), None)
elif upload is None:
    st.session_state.pop(RESULT, None)
    st.caption(
        f"Formats: {', '.join(FORMATS)} (README, “Validation”). Limit {MAX_UPLOAD_BYTES:,} bytes."
    )

if RESULT in st.session_state:
    name, comparison, cal = st.session_state[RESULT]
    if isinstance(comparison, str):
        st.error(f"**{md(name)}** could not be compared: {md(comparison)}")
    else:
        if cal is not None:
            st.info(md(calibration_report(cal)))
        st.subheader(
            f"{md(name)}: background utilization {comparison.utilization:.2f}, "
            f"{comparison.reps} replication(s)"
        )
        st.dataframe(quantile_table(comparison.table), hide_index=True)
        machines = list(comparison.qq.machine.unique())
        if machines:
            pick = st.selectbox(
                "Q-Q plot of", machines, index=len(machines) - 1, key="validation_qq"
            )
            st.plotly_chart(qq_figure(comparison.qq, pick), key="validation_qq_chart")
        else:
            st.warning("No job has both an observed and a simulated wait to compare.")
