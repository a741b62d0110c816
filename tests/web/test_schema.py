"""Property-based tests of the whole HTTP API from its OpenAPI schema (schemathesis).

Every operation is called with generated valid and invalid input; none may answer with a
server error, and every API error is a JSON body naming it. Bounded to a few examples per
operation so the run takes seconds; the app runs in-process on the toy nation.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings

from railgap.store.location import normalise_url
from railgap.testing import toy_nation
from railgap.web.app import create_app

_HOME = Path(tempfile.mkdtemp(prefix="railgap-schema-"))
APP = create_app(data=toy_nation(_HOME / "toy"), db=normalise_url(str(_HOME / "railgap.sqlite")))
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_operation_answers_with_a_server_error(case: schemathesis.Case) -> None:
    response = case.call()
    assert response.status_code < 500, (case.method, case.formatted_path, response.text[:300])
    if response.status_code >= 400:
        body = response.json()
        assert body.get("error"), body
        assert body.get("detail") is not None, body
