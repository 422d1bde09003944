"""A protocol target with one planted fault, chosen on the command line (for tests).

    python faulty_pump.py crash_on_unknown | hang_on_big_bolus | missing_field | off_by_one

It wraps the reference pump and misbehaves in one way, as a buggy firmware would.
"""

from __future__ import annotations

import json
import os
import sys
import time

from pumpproof.pump_model import ReferencePump


def main() -> None:
    fault = sys.argv[1]
    pump = ReferencePump()
    for line in sys.stdin:
        try:
            message = json.loads(line)
        except ValueError:
            message = None
        event = message.get("event") if isinstance(message, dict) else None
        if isinstance(event, dict):
            kind = event.get("kind")
            if fault == "crash_on_unknown" and kind not in (
                "bolus", "cancel_bolus", "temp_basal", "cancel_temp_basal", "set_basal_schedule",
                "suspend", "resume", "cgm", "set_clock", "fill", "ack_alarm", "fault", "restart",
            ):
                os.abort()
            amount = event.get("amount_mU", 0)
            if fault == "hang_on_big_bolus" and kind == "bolus" and amount == 10000:
                time.sleep(3600)
            if fault == "off_by_one" and kind == "bolus" and event.get("amount_mU") == 10050:
                message = {**message, "event": {**event, "amount_mU": 10000}}
        answer = pump.handle(message)
        if fault == "missing_field" and "t" in answer and answer["t"] > 30:
            answer.pop("mode")
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()
        if pump.quit:
            break


if __name__ == "__main__":
    main()
