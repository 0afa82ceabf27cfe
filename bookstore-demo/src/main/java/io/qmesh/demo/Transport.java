package io.qmesh.demo;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ServerBuilder;
import io.grpc.xds.XdsChannelCredentials;
import io.grpc.xds.XdsServerBuilder;
import io.grpc.xds.XdsServerCredentials;

/**
 * Channels and servers, proxyless or plain. With {@code xds:///…} targets and the xDS server, grpc-xds
 * takes listeners, routes, clusters, endpoints, mTLS and RBAC from xds-service (bootstrap from
 * {@code GRPC_XDS_BOOTSTRAP}); plaintext is only the fallback where xds-service sends no security.
 */
final class Transport {

    private Transport() {
    }

    static ManagedChannel channel(String target) {
        if (target.startsWith("xds:///")) {
            return Grpc.newChannelBuilder(target, XdsChannelCredentials.create(InsecureChannelCredentials.create())).build();
        }
        return Grpc.newChannelBuilder(target, InsecureChannelCredentials.create()).build();
    }

    static ServerBuilder<?> server(int port, boolean xds) {
        if (xds) {
            return XdsServerBuilder.forPort(port, XdsServerCredentials.create(InsecureServerCredentials.create()));
        }
        return Grpc.newServerBuilderForPort(port, InsecureServerCredentials.create());
    }
}
