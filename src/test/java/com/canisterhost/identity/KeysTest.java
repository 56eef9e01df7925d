package com.canisterhost.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.canisterhost.principal.CanisterId;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeysTest {

    @Test
    void aKeysPrincipalIsSelfAuthenticatingStyleAndStable() {
        String key = Keys.generate(new SecureRandom());
        assertThat(key).startsWith(Keys.PREFIX).hasSize(Keys.PREFIX.length() + 43).matches("[A-Za-z0-9_-]+");
        CanisterId principal = Keys.principal(Keys.hash(key));
        assertThat(principal.bytes()).hasSize(29).endsWith(0x02);
        assertThat(Keys.principal(Keys.hash(key))).isEqualTo(principal);
        assertThat(CanisterId.parse(principal.toText())).isEqualTo(principal);
        assertThat(Keys.hash(key)).hasSize(32).isNotEqualTo(principal.bytes());
    }

    @Test
    void differentKeysHaveDifferentPrincipals() {
        SecureRandom random = new SecureRandom();
        Set<CanisterId> principals = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            principals.add(Keys.principal(Keys.hash(Keys.generate(random))));
        }
        assertThat(principals).hasSize(1000);
    }

    @Test
    void anAdminKeyThatCouldNeverAuthenticateOrBeGuessedFailsTheStart() {
        assertThatThrownBy(() -> new SecurityProperties("short", true)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SecurityProperties("long enough but with spaces", true))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new SecurityProperties("", true).secured()).isFalse();
        assertThat(new SecurityProperties("0123456789abcdef+/=", true).secured()).isTrue();
    }

    @Test
    void theAnonymousCallerIs2vxsxFae() {
        assertThat(Caller.ANONYMOUS.text()).isEqualTo("2vxsx-fae");
        assertThat(Caller.ANONYMOUS.bytes()).containsExactly(0x04);
    }
}
