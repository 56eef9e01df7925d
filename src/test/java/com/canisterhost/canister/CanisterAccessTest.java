package com.canisterhost.canister;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.canisterhost.identity.AuthenticationRequiredException;
import com.canisterhost.identity.Caller;
import com.canisterhost.identity.SecurityProperties;
import com.canisterhost.principal.CanisterId;
import org.junit.jupiter.api.Test;

/** The checks that need no canister (AuthorizationMatrixTest covers the ones that do, end to end). */
class CanisterAccessTest {

    private static final String ADMIN_KEY = "0123456789abcdef0123";
    private static final Caller KEYED = new Caller(CanisterId.fromIndex(7), Caller.Kind.KEY);

    @Test
    void anonymousCallsAreOpenUnlessSwitchedOffWithAnAdminKey() {
        CanisterAccess open = new CanisterAccess(null, new SecurityProperties(ADMIN_KEY, true));
        CanisterAccess closed = new CanisterAccess(null, new SecurityProperties(ADMIN_KEY, false));
        CanisterAccess development = new CanisterAccess(null, new SecurityProperties("", false));
        assertThatCode(() -> open.requireCaller(Caller.ANONYMOUS)).doesNotThrowAnyException();
        assertThatThrownBy(() -> closed.requireCaller(Caller.ANONYMOUS))
                .isInstanceOf(AuthenticationRequiredException.class);
        assertThatCode(() -> closed.requireCaller(KEYED)).doesNotThrowAnyException();
        assertThatCode(() -> development.requireCaller(Caller.ANONYMOUS)).doesNotThrowAnyException();
    }

    @Test
    void creatingNeedsAKeyOnlyWithAnAdminKey() {
        assertThatThrownBy(() -> new CanisterAccess(null, new SecurityProperties(ADMIN_KEY, true))
                .requireCreator(Caller.ANONYMOUS)).isInstanceOf(AuthenticationRequiredException.class);
        assertThatCode(() -> new CanisterAccess(null, new SecurityProperties(ADMIN_KEY, true)).requireCreator(KEYED))
                .doesNotThrowAnyException();
        assertThatCode(() -> new CanisterAccess(null, new SecurityProperties(" ", true))
                .requireCreator(Caller.ANONYMOUS)).doesNotThrowAnyException();
    }
}
