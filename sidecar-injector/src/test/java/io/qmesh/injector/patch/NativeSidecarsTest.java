package io.qmesh.injector.patch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NativeSidecarsTest {

    @Test
    void kubernetes128_hasNoNativeSidecars() {
        assertThat(NativeSidecars.supported("1", "28")).contains(false);
    }

    @Test
    void kubernetes129AndLater_haveNativeSidecars_evenWithAVendorSuffix() {
        assertThat(NativeSidecars.supported("1", "29")).contains(true);
        assertThat(NativeSidecars.supported("1", "31+")).contains(true);
    }

    @Test
    void versionThatIsNotANumber_isUnknown() {
        assertThat(NativeSidecars.supported("", "")).isEmpty();
        assertThat(NativeSidecars.supported(null, "29")).isEmpty();
    }
}
