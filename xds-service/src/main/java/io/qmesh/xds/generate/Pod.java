package io.qmesh.xds.generate;

import io.qmesh.api.Identity;

/** A meshed pod as the policy's endpoints describe it: what a connecting proxy must agree with. */
public record Pod(Ref ref, String uid, Identity identity) {
}
