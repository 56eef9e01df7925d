package com.canisterhost.execution;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * What the {@code ic0.cost_*} functions answer: the IC's fees, in cycles, on a 13-node application subnet, the size
 * its fees are set for (the replica's {@code CyclesAccountManagerConfig::application_subnet}, scaled by subnet
 * size / 13). This host charges none of them; it answers them so that a canister budgets here as it would there.
 */
final class CyclesCostTable {

    static final int SUBNET_SIZE = 13;
    static final long CANISTER_CREATION_FEE = 500_000_000_000L;
    /** Every message executed pays this, and one cycle per instruction (10 cycles per 10 instructions). */
    static final long UPDATE_MESSAGE_EXECUTION_FEE = 5_000_000L;
    static final long CYCLES_PER_INSTRUCTION = 1;
    /** The IC's instruction limit per message: what {@code cost_call} reserves for the reply callback. */
    static final long MAX_INSTRUCTIONS_PER_MESSAGE = 40_000_000_000L;
    static final long XNET_CALL_FEE = 260_000L;
    static final long XNET_BYTE_TRANSMISSION_FEE = 1_000L;
    /** The largest reply to an inter-canister call, which {@code cost_call} reserves the transmission of. */
    static final long MAX_INTER_CANISTER_PAYLOAD_BYTES = 2L * 1024 * 1024;
    static final long HTTP_REQUEST_LINEAR_BASELINE_FEE = 3_000_000L;
    static final long HTTP_REQUEST_QUADRATIC_BASELINE_FEE = 60_000L;
    static final long HTTP_REQUEST_PER_BYTE_FEE = 400L;
    static final long HTTP_RESPONSE_PER_BYTE_FEE = 800L;
    /** ECDSA and Schnorr signatures and vetKD key derivations cost the same. */
    static final long THRESHOLD_KEY_FEE = 10_000_000_000L;
    /**
     * The key names the IC's networks and its local tools (dfx, PocketIC) have for every curve. This host holds no
     * keys (it cannot sign), but answers for these names as a 13-node subnet holding them would.
     */
    static final Set<String> KEY_NAMES = Set.of("key_1", "test_key_1", "dfx_test_key");

    private CyclesCostTable() {}

    /**
     * {@code cost_call}: what a canister must hold (above its freezing threshold) to make a call with a method name
     * and an argument of these sizes: the call, its bytes, the largest reply's bytes and the largest reply callback.
     */
    static BigInteger call(long methodNameSize, long payloadSize) {
        BigInteger bytes = unsigned(methodNameSize).add(unsigned(payloadSize));
        return BigInteger.valueOf(XNET_CALL_FEE)
                .add(bytes.multiply(BigInteger.valueOf(XNET_BYTE_TRANSMISSION_FEE)))
                .add(BigInteger.valueOf(MAX_INTER_CANISTER_PAYLOAD_BYTES * XNET_BYTE_TRANSMISSION_FEE))
                .add(BigInteger.valueOf(UPDATE_MESSAGE_EXECUTION_FEE
                        + MAX_INSTRUCTIONS_PER_MESSAGE * CYCLES_PER_INSTRUCTION));
    }

    /** {@code cost_create_canister}. */
    static BigInteger createCanister() {
        return BigInteger.valueOf(CANISTER_CREATION_FEE);
    }

    /**
     * {@code cost_http_request}: an HTTPS outcall with a request of {@code requestSize} bytes (its variable parts)
     * accepting a response of up to {@code maxResponseBytes}, paid for on every node.
     */
    static BigInteger httpRequest(long requestSize, long maxResponseBytes) {
        return BigInteger.valueOf(HTTP_REQUEST_LINEAR_BASELINE_FEE + HTTP_REQUEST_QUADRATIC_BASELINE_FEE * SUBNET_SIZE)
                .add(unsigned(requestSize).multiply(BigInteger.valueOf(HTTP_REQUEST_PER_BYTE_FEE)))
                .add(unsigned(maxResponseBytes).multiply(BigInteger.valueOf(HTTP_RESPONSE_PER_BYTE_FEE)))
                .multiply(BigInteger.valueOf(SUBNET_SIZE));
    }

    /** The functions that price a threshold key: each with how many curve (or algorithm) numbers it knows. */
    enum ThresholdKey {
        /** Curve 0: secp256k1. */
        ECDSA("cost_sign_with_ecdsa", 1),
        /** Algorithm 0: bip340secp256k1, 1: ed25519. */
        SCHNORR("cost_sign_with_schnorr", 2),
        /** Curve 0: bls12_381_g2. */
        VETKD("cost_vetkd_derive_key", 1);

        final String function;
        private final int curves;

        ThresholdKey(String function, int curves) {
            this.function = function;
            this.curves = curves;
        }

        /** The System API's answer: 0 priced, 1 unknown curve or algorithm, 2 unknown key name. */
        int check(int curve, byte[] keyName) {
            if (Integer.toUnsignedLong(curve) >= curves) {
                return 1;
            }
            // a name that is not UTF-8 decodes to one with a replacement character: no key has such a name
            return KEY_NAMES.contains(new String(keyName, StandardCharsets.UTF_8)) ? 0 : 2;
        }

        BigInteger fee() {
            return BigInteger.valueOf(THRESHOLD_KEY_FEE);
        }
    }

    private static BigInteger unsigned(long value) {
        return new BigInteger(Long.toUnsignedString(value));
    }
}
