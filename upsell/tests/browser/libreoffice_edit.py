"""Change cells of a workbook in LibreOffice Calc, as a person does before uploading it back.

Run by Debian's system Python, which has LibreOffice's ``uno`` bridge (package python3-uno);
the project's virtual environment has not::

    /usr/bin/python3 libreoffice_edit.py IN.xlsx OUT.xlsx '{"Прогноз": {"E7": 150000, "F7": "x"}}'

The JSON maps a sheet's name to its cells: a number is set as a number, text as text, null
empties the cell. The script starts its own headless soffice with a throwaway profile,
listening on a private pipe (so it never meets another soffice of the machine), opens the
workbook hidden, sets the cells, stores the result as Excel 2007+ XML and terminates soffice.
It prints nothing on success; any failure exits non-zero with the reason on stderr.
"""

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

SOFFICE = "/usr/bin/soffice"
XLSX_FILTER = "Calc MS Excel 2007 XML"
START_TIMEOUT = 90.0  # seconds: a first start with a fresh profile takes a few
STOP_TIMEOUT = 30.0
CLEARED = ("VALUE", "DATETIME", "STRING", "FORMULA")


def main(argv: list[str]) -> int:
    if len(argv) != 4:
        sys.stderr.write(__doc__ or "")
        return 2
    source, target, cells = Path(argv[1]).resolve(), Path(argv[2]).resolve(), json.loads(argv[3])
    if not isinstance(cells, dict) or not all(isinstance(c, dict) for c in cells.values()):
        sys.stderr.write("The cells are a JSON object of sheets, each an object of cells.\n")
        return 2
    import uno  # type: ignore[import-not-found,unused-ignore]  # Debian's python3-uno

    profile = Path(tempfile.mkdtemp(prefix="upsell-soffice-"))
    pipe = f"upsell-{uuid.uuid4().hex}"
    office = subprocess.Popen(  # noqa: S603 - a fixed program and our own arguments
        [
            SOFFICE,
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
            f"-env:UserInstallation={uno.systemPathToFileUrl(str(profile))}",
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: stopped as a whole if need be
    )
    try:
        desktop = _desktop(uno, pipe, office)
        _edit(uno, desktop, source, target, cells)
        # The bridge goes down with soffice, so the call may fail after it did its work.
        with contextlib.suppress(Exception):
            desktop.terminate()
        office.wait(timeout=STOP_TIMEOUT)
    finally:
        if office.poll() is None:
            os.killpg(office.pid, signal.SIGKILL)
            office.wait()
        shutil.rmtree(profile, ignore_errors=True)
    return 0


def _desktop(uno: Any, pipe: str, office: subprocess.Popen[bytes]) -> Any:
    """The running soffice's desktop, once it answers on the pipe."""
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except Exception:  # the NoConnectException of a soffice still starting
            if office.poll() is not None:
                raise RuntimeError(f"soffice exited with {office.returncode}") from None
            if time.monotonic() > deadline:
                raise TimeoutError(f"soffice did not answer in {START_TIMEOUT:.0f} s") from None
            time.sleep(0.25)
    return context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)


def _edit(
    uno: Any, desktop: Any, source: Path, target: Path, cells: dict[str, dict[str, Any]]
) -> None:
    document = desktop.loadComponentFromURL(
        uno.systemPathToFileUrl(str(source)), "_blank", 0, (_property(uno, "Hidden", True),)
    )
    if document is None:
        raise RuntimeError(f"LibreOffice could not open {source}")
    try:
        sheets = document.getSheets()
        for sheet_name, values in cells.items():
            if not sheets.hasByName(sheet_name):
                raise KeyError(f"{source} has no sheet {sheet_name!r}")
            sheet = sheets.getByName(sheet_name)
            for address, value in values.items():
                _set(uno, sheet.getCellRangeByName(address), value)
        document.storeToURL(
            uno.systemPathToFileUrl(str(target)),
            (_property(uno, "FilterName", XLSX_FILTER), _property(uno, "Overwrite", True)),
        )
    finally:
        document.close(True)


def _set(uno: Any, cell: Any, value: Any) -> None:
    if value is None:
        flags = sum(uno.getConstantByName(f"com.sun.star.sheet.CellFlags.{f}") for f in CLEARED)
        cell.clearContents(flags)
    elif isinstance(value, bool) or not isinstance(value, int | float | str):
        raise TypeError(f"A cell takes a number, text or null, not {value!r}")
    elif isinstance(value, str):
        cell.setString(value)
    else:
        cell.setValue(float(value))


def _property(uno: Any, name: str, value: Any) -> Any:
    prop = uno.createUnoStruct("com.sun.star.beans.PropertyValue")
    prop.Name, prop.Value = name, value
    return prop


if __name__ == "__main__":
    sys.exit(main(sys.argv))
