package com.canisterhost.canister;

import java.util.Arrays;

/** Who may read a canister's logs. */
public enum LogVisibility {
    CONTROLLERS("controllers"),
    PUBLIC("public");

    private final String text;

    LogVisibility(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }

    /** Parses {@code controllers} or {@code public}. */
    public static LogVisibility parse(String text) {
        return Arrays.stream(values()).filter(v -> v.text.equals(text)).findFirst()
                .orElseThrow(() -> new InvalidSettingsException("logVisibility must be controllers or public"));
    }
}
