"""`python -m feed_builder.schema`: rewrite the shipped schemas after a change of the declarations
(a test fails until they are rewritten)."""
from pathlib import Path

from feed_builder.core.files import write_if_changed
from feed_builder.schema.generate import SCHEMAS, rendered

for name in SCHEMAS:
    if write_if_changed(Path(__file__).parent / name, rendered(name)):
        print(f"rewrote feed_builder/schema/{name}")
