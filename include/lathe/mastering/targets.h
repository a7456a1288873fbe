#pragma once
// Delivery targets: the destination presets of `lathe master --target`, with their published figures.

#include <optional>
#include <span>
#include <string>

#include "lathe/audio_file.h"
#include "lathe/result.h"

namespace lathe::mastering {

struct DeliveryTarget {
    std::string name;               // preset name, or "custom" for a number
    double integratedLufs = -14.0;  // loudness the master is delivered at
    double ceilingDbtp = -1.0;      // true-peak ceiling
    // Guardrail against over-compression: the master's PLR (true peak - integrated) may be lowered
    // by limiting only down to this floor (unless the user asks for `--dynamics loud`).
    double plrFloorDb = 9.0;
    bool normalisedPlayback = true;  // false for CD: nothing turns a loud master down
    std::optional<double> sampleRateHz;              // forced output rate (CD: 44100)
    std::optional<SampleEncoding> encoding;          // forced output encoding (CD: 16-bit)
    std::string source;                              // where the figures come from
};

// The PLR floor tied to a loudness target: 9 dB at -14 LUFS, 0.5 dB more per LU quieter (capped
// at 12 dB), 0.5 dB less per LU louder (never below 6 dB).
double plrFloorForTarget(double integratedLufs) noexcept;

std::span<const DeliveryTarget> deliveryPresets();

// A preset name ("streaming", "cd", ...) or a number of LUFS ("-14", "-9.5"). Errors list the presets.
Result<DeliveryTarget> parseDeliveryTarget(const std::string& text);

}  // namespace lathe::mastering
