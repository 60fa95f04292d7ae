# The ONNX project's own checker over model files: full check, then strict shape inference with
# type checking. Prints one line per file, "ok <file>" or "FAIL <file>: <reason>"; exit 1 on a failure.
import sys

import onnx
from onnx import checker, shape_inference

failed = False
for path in sys.argv[1:]:
    try:
        model = onnx.load(path)
        checker.check_model(model, full_check=True)
        shape_inference.infer_shapes(model, check_type=True, strict_mode=True, data_prop=True)
        print(f"ok {path}")
    except Exception as e:  # noqa: BLE001 - every failure is reported the same way
        failed = True
        print(f"FAIL {path}: {' '.join(str(e).split())[:400]}")
sys.exit(1 if failed else 0)
