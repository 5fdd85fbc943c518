"""Schemathesis hooks for scripts/fuzz.sh: half of the conversation ids the fuzzer draws are the
fuzz group's (PARLEY_FUZZ_GROUP), so the group operations (rename, members, sharing, keys) run
their logic on a real group instead of stopping at "no such conversation". Closing is left to
random ids, so the group stays open for the whole run."""

import os
import zlib

import schemathesis

GROUP = os.environ.get("PARLEY_FUZZ_GROUP", "")


@schemathesis.hook
def map_path_parameters(ctx, path_parameters):
    path = getattr(ctx.operation, "path", "")
    if (
        GROUP
        and path_parameters
        and "id" in path_parameters
        and path.startswith("/api/v1/conversations/{id}")
        and not path.endswith("/close")
        and zlib.crc32(repr(sorted(path_parameters.items())).encode()) % 2 == 0
    ):
        path_parameters["id"] = GROUP
    return path_parameters
