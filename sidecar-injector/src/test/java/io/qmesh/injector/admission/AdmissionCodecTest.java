package io.qmesh.injector.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qmesh.injector.patch.JsonPatchOp;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdmissionCodecTest {

    private static AdmissionCodec.Parsed parse(String body) {
        return AdmissionCodec.parse(body.getBytes(StandardCharsets.UTF_8));
    }

    private static String review(String request) {
        return "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":" + request + "}";
    }

    private static final String POD = "{\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"i\"}]}}";

    @Test
    void podCreate_isValid_withNamespaceAndDryRun() {
        AdmissionCodec.Parsed parsed = parse(review("{\"uid\":\"u\",\"kind\":{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Pod\"},"
                + "\"operation\":\"CREATE\",\"namespace\":\"shop\",\"dryRun\":true,\"object\":" + POD + "}"));

        assertThat(parsed).isInstanceOf(AdmissionCodec.Valid.class);
        AdmissionCodec.Request request = ((AdmissionCodec.Valid) parsed).request();
        assertThat(request.namespace()).isEqualTo("shop");
        assertThat(request.dryRun()).isTrue();
    }

    @Test
    void malformedInputs_becomeInvalidWithAClearMessage() {
        assertThat(message("")).isEqualTo("request body is empty (expected an AdmissionReview)");
        assertThat(message("{not json")).startsWith("request body is not JSON");
        assertThat(message("[1,2]")).isEqualTo("request body is not a JSON object (expected an AdmissionReview)");
        assertThat(message("{\"apiVersion\":\"admission.k8s.io/v1beta1\",\"kind\":\"AdmissionReview\"}"))
                .contains("expected apiVersion admission.k8s.io/v1");
        assertThat(message(review("{\"kind\":{\"kind\":\"Pod\"}}"))).isEqualTo("AdmissionReview request has no uid");
        assertThat(message(review("{\"uid\":\"u\",\"kind\":{\"kind\":\"Pod\"},\"operation\":\"UPDATE\"}")))
                .isEqualTo("request.operation is 'UPDATE'; this webhook admits only CREATE");
        assertThat(message(review("{\"uid\":\"u\",\"kind\":{\"kind\":\"Pod\"},\"operation\":\"CREATE\",\"namespace\":\"n\","
                + "\"object\":{\"spec\":{\"containers\":\"oops\"}}}"))).startsWith("request.object is not a Pod");
        assertThat(message(review("{\"uid\":\"u\",\"kind\":{\"kind\":\"Pod\"},\"operation\":\"CREATE\",\"object\":" + POD + "}")))
                .isEqualTo("request.namespace is missing");
    }

    @Test
    void allowWithPatch_isBase64JsonPatch() throws Exception {
        JsonNode op = new ObjectMapper().getNodeFactory().textNode("v");
        JsonNode review = new ObjectMapper().readTree(AdmissionCodec.allow("u", List.of(JsonPatchOp.add("/a", op))));

        assertThat(review.path("apiVersion").asText()).isEqualTo("admission.k8s.io/v1");
        assertThat(review.path("response").path("uid").asText()).isEqualTo("u");
        assertThat(review.path("response").path("patchType").asText()).isEqualTo("JSONPatch");
        assertThat(new String(Base64.getDecoder().decode(review.path("response").path("patch").asText()), StandardCharsets.UTF_8))
                .isEqualTo("[{\"op\":\"add\",\"path\":\"/a\",\"value\":\"v\"}]");
    }

    private static String message(String body) {
        AdmissionCodec.Parsed parsed = parse(body);
        assertThat(parsed).isInstanceOf(AdmissionCodec.Invalid.class);
        return ((AdmissionCodec.Invalid) parsed).message();
    }
}
