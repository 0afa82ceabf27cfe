package io.qmesh.injector.admission;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.qmesh.injector.patch.JsonPatchOp;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * AdmissionReview {@code admission.k8s.io/v1} in and out. Anything that is not a v1 AdmissionReview
 * of a Pod CREATE becomes an {@link Invalid} naming what is wrong, answered with a clear error
 * response: never an exception, never a hang.
 */
public final class AdmissionCodec {

    public static final String API_VERSION = "admission.k8s.io/v1";
    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** A request the webhook can work on. */
    public record Request(String uid, String namespace, Pod pod, boolean dryRun) {
    }

    /** What was read: a request, or why not (with the uid when one could be read). */
    public sealed interface Parsed permits Valid, Invalid {
    }

    public record Valid(Request request) implements Parsed {
    }

    public record Invalid(String uid, String message) implements Parsed {
    }

    private AdmissionCodec() {
    }

    public static Parsed parse(byte[] body) {
        if (body == null || body.length == 0) {
            return new Invalid("", "request body is empty (expected an AdmissionReview)");
        }
        JsonNode review;
        try {
            review = JSON.readTree(body);
        } catch (java.io.IOException e) {
            return new Invalid("", "request body is not JSON: " + firstLine(e.getMessage()));
        }
        if (review == null || !review.isObject()) {
            return new Invalid("", "request body is not a JSON object (expected an AdmissionReview)");
        }
        String uid = review.path("request").path("uid").asText("");
        if (!API_VERSION.equals(review.path("apiVersion").asText()) || !"AdmissionReview".equals(review.path("kind").asText())) {
            return new Invalid(uid, "expected apiVersion " + API_VERSION + " kind AdmissionReview, got apiVersion '"
                    + review.path("apiVersion").asText() + "' kind '" + review.path("kind").asText() + "'");
        }
        JsonNode request = review.path("request");
        if (!request.isObject()) {
            return new Invalid(uid, "AdmissionReview has no request");
        }
        if (uid.isEmpty()) {
            return new Invalid(uid, "AdmissionReview request has no uid");
        }
        JsonNode kind = request.path("kind");
        if (!"Pod".equals(kind.path("kind").asText()) || !kind.path("group").asText("").isEmpty()) {
            return new Invalid(uid, "request.kind is '" + kind.path("group").asText("") + "/" + kind.path("kind").asText()
                    + "'; this webhook admits only core/v1 Pod");
        }
        String operation = request.path("operation").asText();
        if (!"CREATE".equals(operation)) {
            return new Invalid(uid, "request.operation is '" + operation + "'; this webhook admits only CREATE");
        }
        JsonNode object = request.path("object");
        if (!object.isObject()) {
            return new Invalid(uid, "request.object is missing: no pod to admit");
        }
        Pod pod;
        try {
            pod = JSON.treeToValue(object, Pod.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return new Invalid(uid, "request.object is not a Pod: " + firstLine(e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
        }
        if (pod.getSpec() == null || pod.getSpec().getContainers() == null || pod.getSpec().getContainers().isEmpty()) {
            return new Invalid(uid, "request.object.spec.containers is missing or empty");
        }
        String namespace = request.path("namespace").asText("");
        if (namespace.isEmpty() && pod.getMetadata() != null && pod.getMetadata().getNamespace() != null) {
            namespace = pod.getMetadata().getNamespace();
        }
        if (namespace.isEmpty()) {
            return new Invalid(uid, "request.namespace is missing");
        }
        return new Valid(new Request(uid, namespace, pod, request.path("dryRun").asBoolean(false)));
    }

    /** Allowed, with a JSONPatch when {@code patch} is not empty. */
    public static byte[] allow(String uid, List<JsonPatchOp> patch) {
        ObjectNode response = response(uid, true);
        if (!patch.isEmpty()) {
            try {
                response.put("patchType", "JSONPatch");
                response.put("patch", Base64.getEncoder().encodeToString(JSON.writeValueAsBytes(patch)));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("patch for request " + uid + " cannot be written", e);
            }
        }
        return write(response);
    }

    /** Denied with {@code code} (400 bad request, 422 invalid pod settings, 500 internal) and a message. */
    public static byte[] deny(String uid, int code, String message) {
        ObjectNode response = response(uid, false);
        ObjectNode status = response.putObject("status");
        status.put("code", code);
        status.put("message", message);
        return write(response);
    }

    private static ObjectNode response(String uid, boolean allowed) {
        ObjectNode response = JSON.createObjectNode();
        response.put("uid", uid);
        response.put("allowed", allowed);
        return response;
    }

    /** The AdmissionReview around {@code response}. */
    private static byte[] write(ObjectNode response) {
        ObjectNode review = JSON.createObjectNode();
        review.put("apiVersion", API_VERSION);
        review.put("kind", "AdmissionReview");
        review.set("response", response);
        return review.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
