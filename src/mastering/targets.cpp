#include "lathe/mastering/targets.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

namespace lathe::mastering {

double plrFloorForTarget(double integratedLufs) noexcept {
    return std::clamp(9.0 + 0.5 * (-14.0 - integratedLufs), 6.0, 12.0);
}

namespace {

DeliveryTarget preset(std::string name, double lufs, double ceiling, std::string source) {
    DeliveryTarget target;
    target.name = std::move(name);
    target.integratedLufs = lufs;
    target.ceilingDbtp = ceiling;
    target.plrFloorDb = plrFloorForTarget(lufs);
    target.source = std::move(source);
    return target;
}

std::array<DeliveryTarget, 9> makePresets() {
    DeliveryTarget cd = preset("cd", -10.0, -0.3,
                               "Red Book CD: 44.1 kHz 16-bit; no playback normalisation, so a loud but not crushed master "
                               "(lathe's choice: -10 LUFS, stopped by the PLR floor of 8 dB)");
    cd.normalisedPlayback = false;
    cd.plrFloorDb = 8.0;
    cd.sampleRateHz = 44100.0;
    cd.encoding = SampleEncoding::Pcm16;
    return {
        preset("streaming", -14.0, -1.0, "Spotify for Artists, 'Loudness normalization': -14 LUFS, below -1 dBTP"),
        preset("spotify-loud", -11.0, -2.0,
               "Spotify for Artists: 'Loud' normalisation -11 LUFS; masters louder than -14 LUFS should stay below -2 dBTP"),
        preset("apple", -16.0, -1.0, "Apple Music Sound Check / Apple Digital Masters: -16 LUFS, -1 dBTP"),
        preset("youtube", -14.0, -1.0, "YouTube playback normalisation: -14 LUFS"),
        preset("deezer", -15.0, -1.0, "Deezer playback normalisation: -15 LUFS"),
        cd,
        preset("ebu-r128", -23.0, -1.0, "EBU R 128 (2020): -23 LUFS programme loudness, -1 dBTP maximum true peak"),
        preset("atsc-a85", -24.0, -2.0, "ATSC A/85:2013: -24 LKFS dialogue-anchored loudness, -2 dBTP"),
        preset("podcast", -16.0, -1.0, "Apple Podcasts / AES TD1004: -16 LUFS for stereo spoken word, -1 dBTP"),
    };
}

}  // namespace

std::span<const DeliveryTarget> deliveryPresets() {
    static const auto presets = makePresets();
    return presets;
}

Result<DeliveryTarget> parseDeliveryTarget(const std::string& text) {
    for (const auto& target : deliveryPresets())
        if (target.name == text) return target;
    double lufs = 0.0;
    const char* begin = text.data();
    const char* end = begin + text.size();
    if (!text.empty() && *begin == '+') ++begin;
    const auto [ptr, ec] = std::from_chars(begin, end, lufs);
    if (ec == std::errc() && ptr == end && std::isfinite(lufs)) {
        if (lufs < -40.0 || lufs > -5.0)
            return fail("target " + text + " LUFS is out of range (-40 to -5 LUFS)");
        DeliveryTarget custom;
        custom.name = "custom";
        custom.integratedLufs = lufs;
        custom.ceilingDbtp = lufs > -14.0 ? -2.0 : -1.0;  // louder masters get more codec headroom
        custom.plrFloorDb = plrFloorForTarget(lufs);
        custom.source = "custom integrated loudness target";
        return custom;
    }
    std::string names;
    for (const auto& target : deliveryPresets()) names += (names.empty() ? "" : ", ") + target.name;
    return fail("unknown target '" + text + "' (presets: " + names + "; or a number of LUFS such as -14)");
}

}  // namespace lathe::mastering
