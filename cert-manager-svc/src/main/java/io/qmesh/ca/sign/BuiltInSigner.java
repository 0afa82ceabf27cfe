package io.qmesh.ca.sign;

import io.qmesh.ca.issue.Certificates;
import io.qmesh.ca.issue.Serials;
import io.qmesh.ca.root.RootAuthority;
import io.qmesh.ca.trust.Bundle;
import io.qmesh.ca.trust.RootSet;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** Signs with the mesh's own root from the {@code qmesh-ca-root} Secret; the bundle follows root rotation. */
public final class BuiltInSigner implements Signer {

    private final RootAuthority roots;
    private final SecureRandom random = new SecureRandom();

    public BuiltInSigner(RootAuthority roots) {
        this.roots = roots;
    }

    @Override
    public String name() {
        return "builtin";
    }

    @Override
    public Optional<String> notReady() {
        return roots.notReady();
    }

    @Override
    public SignedLeaf sign(LeafRequest request) throws SignerUnavailable {
        RootSet set = roots.current().orElseThrow(() -> new SignerUnavailable(
                "mesh root not loaded yet: " + roots.notReady().orElse("")));
        return new SignedLeaf(Certificates.leaf(request.subject(), request.publicKey(), set.issuer(), request.validity(),
                Serials.random128(random)), List.of());
    }

    @Override
    public Bundle bundle() {
        return roots.current().map(Bundle::of).orElse(Bundle.EMPTY);
    }

    @Override
    public void onBundleChange(Consumer<Bundle> listener) {
        roots.onBundleChange(listener);
    }
}
