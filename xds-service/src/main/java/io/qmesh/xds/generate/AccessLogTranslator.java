package io.qmesh.xds.generate;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.accesslog.v3.AccessLog;
import io.envoyproxy.envoy.config.core.v3.SubstitutionFormatString;
import io.envoyproxy.envoy.extensions.access_loggers.stream.v3.StdoutAccessLog;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * JSON access logs on stdout with source and destination identities. A request denied by RBAC logs
 * {@code rbac_access_denied_matched_policy[<policy>]} in {@code response_code_details}, and a denied
 * TCP connection the same in {@code connection_termination_details}: "why was I denied" is in the log.
 */
final class AccessLogTranslator {

    /**
     * Built once per direction and shared by every listener: the messages are immutable, and a shared
     * instance's serialized size is computed once.
     */
    private static final Map<String, AccessLog> HTTP = new ConcurrentHashMap<>();
    private static final Map<String, AccessLog> TCP = new ConcurrentHashMap<>();

    private AccessLogTranslator() {
    }

    static AccessLog http(String direction) {
        return HTTP.computeIfAbsent(direction, AccessLogTranslator::buildHttp);
    }

    static AccessLog tcp(String direction) {
        return TCP.computeIfAbsent(direction, AccessLogTranslator::buildTcp);
    }

    private static AccessLog buildHttp(String direction) {
        Map<String, String> fields = common(direction);
        fields.put("method", "%REQ(:METHOD)%");
        fields.put("path", "%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%");
        fields.put("authority", "%REQ(:AUTHORITY)%");
        fields.put("protocol", "%PROTOCOL%");
        fields.put("response_code", "%RESPONSE_CODE%");
        fields.put("response_code_details", "%RESPONSE_CODE_DETAILS%");
        fields.put("request_id", "%REQ(X-REQUEST-ID)%");
        fields.put("rbac_policy", "%DYNAMIC_METADATA(envoy.filters.http.rbac)%");
        return stdout(fields);
    }

    private static AccessLog buildTcp(String direction) {
        Map<String, String> fields = common(direction);
        fields.put("connection_termination_details", "%CONNECTION_TERMINATION_DETAILS%");
        fields.put("rbac_policy", "%DYNAMIC_METADATA(envoy.filters.network.rbac)%");
        return stdout(fields);
    }

    private static Map<String, String> common(String direction) {
        Map<String, String> fields = new TreeMap<>();
        fields.put("direction", direction);
        fields.put("start_time", "%START_TIME%");
        fields.put("duration_ms", "%DURATION%");
        fields.put("source_address", "%DOWNSTREAM_REMOTE_ADDRESS%");
        fields.put("source_identity", "%DOWNSTREAM_PEER_URI_SAN%");
        fields.put("destination_identity", "%UPSTREAM_PEER_URI_SAN%");
        fields.put("upstream_cluster", "%UPSTREAM_CLUSTER%");
        fields.put("upstream_host", "%UPSTREAM_HOST%");
        fields.put("bytes_received", "%BYTES_RECEIVED%");
        fields.put("bytes_sent", "%BYTES_SENT%");
        fields.put("response_flags", "%RESPONSE_FLAGS%");
        return fields;
    }

    private static AccessLog stdout(Map<String, String> fields) {
        Struct.Builder json = Struct.newBuilder();
        fields.forEach((k, v) -> json.putFields(k, Value.newBuilder().setStringValue(v).build()));
        return AccessLog.newBuilder().setName("envoy.access_loggers.stdout")
                .setTypedConfig(Protos.any(StdoutAccessLog.newBuilder()
                        .setLogFormat(SubstitutionFormatString.newBuilder().setJsonFormat(json))
                        .build()))
                .build();
    }
}
