package io.qmesh.demo;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/** The caller's SPIFFE ID from its mTLS client certificate, made available to the service handling the call. */
final class CallerIdentity implements ServerInterceptor {

    static final Context.Key<String> CALLER = Context.key("qmesh-caller");

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
        return Contexts.interceptCall(Context.current().withValue(CALLER, spiffeId(session)), call, headers, next);
    }

    static String current() {
        String caller = CALLER.get();
        return caller == null ? "" : caller;
    }

    static String spiffeId(SSLSession session) {
        if (session == null) {
            return "";
        }
        try {
            if (session.getPeerCertificates()[0] instanceof X509Certificate leaf) {
                Collection<List<?>> names = leaf.getSubjectAlternativeNames();
                if (names != null) {
                    for (List<?> name : names) {
                        if (Integer.valueOf(6).equals(name.get(0)) && String.valueOf(name.get(1)).startsWith("spiffe://")) {
                            return String.valueOf(name.get(1));
                        }
                    }
                }
            }
        } catch (SSLPeerUnverifiedException | CertificateParsingException e) {
            return "";
        }
        return "";
    }
}
