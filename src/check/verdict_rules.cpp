#include "lathe/check/verdict_rules.h"

#include "lathe/mastering/tonal_balance.h"

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>

namespace lathe::check {

namespace {

std::string format(const char* pattern, ...) __attribute__((format(printf, 1, 2)));
std::string format(const char* pattern, ...) {
    char text[400];
    va_list args;
    va_start(args, pattern);
    std::vsnprintf(text, sizeof text, pattern, args);
    va_end(args);
    return text;
}

class Items {
public:
    void add(std::string id, std::string category, Severity severity, std::optional<double> value, std::string unit,
             std::string figure, std::string threshold, std::string reason) {
        verdict_.items.push_back({std::move(id), std::move(category), severity, value, std::move(unit), std::move(figure),
                                  std::move(threshold), std::move(reason)});
    }
    Verdict take() { return std::move(verdict_); }

private:
    Verdict verdict_;
};

Severity grade(bool pass, bool warn) { return pass ? Severity::pass : (warn ? Severity::warn : Severity::fail); }

bool isBroadcast(const mastering::DeliveryTarget& target) { return target.name == "ebu-r128" || target.name == "atsc-a85"; }

void loudnessRules(const CheckReport& r, Items& items) {
    const auto& a = r.analysis;
    const auto& target = r.target;
    if (!a.integratedLufs) {
        items.add("loudness", "loudness", Severity::fail, std::nullopt, "LUFS", "undefined",
                  format("%.1f LUFS", target.integratedLufs),
                  "silent or shorter than 400 ms: no loudness block passes the -70 LUFS gate");
        return;
    }
    const double deviation = *a.integratedLufs - target.integratedLufs;
    const double passLu = isBroadcast(target) ? 0.5 : 1.0;
    const double warnLu = isBroadcast(target) ? 1.0 : 3.0;
    Severity severity = grade(std::abs(deviation) <= passLu, std::abs(deviation) <= warnLu);
    if (!target.normalisedPlayback) severity = std::min(severity, Severity::warn);
    std::string reason;
    if (std::abs(deviation) <= passLu)
        reason = format("on target (%+.1f LU)", deviation);
    else if (deviation > 0)
        reason = target.normalisedPlayback
                     ? format("%.1f LU louder than the target: platforms turn it down, the dynamics it cost are lost", deviation)
                     : format("%.1f LU louder than the target", deviation);
    else
        reason = format("%.1f LU quieter than the target", -deviation);
    items.add("loudness", "loudness", severity, a.integratedLufs, "LUFS", format("%.1f LUFS", *a.integratedLufs),
              target.normalisedPlayback || isBroadcast(target)
                  ? format("%.1f LUFS +-%.1f LU (WARN +-%.0f LU)", target.integratedLufs, passLu, warnLu)
                  : format("%.1f LUFS +-%.1f LU (WARN beyond; no normalisation)", target.integratedLufs, passLu),
              reason);

    for (const auto& playback : r.platforms) {
        const bool short1 = playback.shortfallLu > 1.0;
        std::string id = "platform-" + playback.platform;
        std::transform(id.begin(), id.end(), id.begin(), [](char c) {
            return c == ' ' || c == '(' || c == ')' ? '-' : char(std::tolower(static_cast<unsigned char>(c)));
        });
        while (id.find("--") != std::string::npos) id.erase(id.find("--"), 1);
        while (!id.empty() && id.back() == '-') id.pop_back();
        items.add(id, "loudness", short1 ? Severity::warn : Severity::pass, playback.gainDb, "dB",
                  format("%+.1f dB", playback.gainDb), format("reference %.0f LUFS", playback.referenceLufs),
                  playback.platform + ": " + playback.summary);
    }
}

void peakRules(const CheckReport& r, Items& items) {
    const auto& a = r.analysis;
    if (a.truePeakDbtp) {
        const double tp = *a.truePeakDbtp;
        const bool pass = tp <= r.ceilingDbtp;
        std::string reason = pass ? format("%.1f dB under the ceiling", r.ceilingDbtp - tp)
                                  : format("%.2f dB over the %.1f dBTP ceiling", tp - r.ceilingDbtp, r.ceilingDbtp);
        if (!pass && r.overs) reason += format(" at %lld places", static_cast<long long>(r.overs->eventCount));
        items.add("true-peak", "peaks", pass ? Severity::pass : Severity::fail, tp, "dBTP", format("%.2f dBTP", tp),
                  format("<= %.1f dBTP", r.ceilingDbtp), reason);
    } else {
        items.add("true-peak", "peaks", Severity::pass, std::nullopt, "dBTP", "silent", format("<= %.1f dBTP", r.ceilingDbtp),
                  "digital silence");
    }
    items.add("clipping", "peaks", a.clippedRuns == 0 ? Severity::pass : Severity::fail, double(a.clippedRuns), "runs",
              format("%lld runs", static_cast<long long>(a.clippedRuns)), "0 runs of >= 3 full-scale samples",
              a.clippedRuns == 0 ? "no clipped runs" : "flat-topped at full scale: the master was clipped");
    const std::int64_t overs = r.overs ? r.overs->interSampleOvers : 0;
    items.add("inter-sample-overs", "peaks", overs == 0 ? Severity::pass : Severity::fail, double(overs), "points",
              format("%lld", static_cast<long long>(overs)), "0 (4x oversampled, above 0 dBFS between samples)",
              overs == 0 ? "no overs between samples"
                         : "the waveform between samples exceeds full scale: DACs and encoders will clip");
}

void dynamicsRules(const CheckReport& r, Items& items) {
    const auto& a = r.analysis;
    if (a.plrDb) {
        const double plr = *a.plrDb, floor = r.target.plrFloorDb;
        const Severity s = grade(plr >= floor, plr >= 6.0);
        items.add("plr", "dynamics", s, plr, "dB", format("%.1f dB", plr), format(">= %.1f dB (FAIL < 6 dB)", floor),
                  s == Severity::pass ? "peaks stand clear of the loudness"
                                      : (s == Severity::warn ? "limited harder than the target needs"
                                                             : "over-compressed: transients flattened by limiting"));
    } else {
        items.add("plr", "dynamics", Severity::pass, std::nullopt, "dB", "undefined", ">= floor", "loudness undefined");
    }
    if (r.psrDb) {
        const double psr = *r.psrDb;
        const Severity s = grade(psr >= 8.0, psr >= 6.0);
        items.add("psr", "dynamics", s, psr, "dB", format("%.1f dB", psr), ">= 8 dB (FAIL < 6 dB)",
                  s == Severity::pass ? "the loudest passage keeps its punch"
                                      : (s == Severity::warn ? "the loudest passage is dense"
                                                             : "the loudest passage is squashed"));
    } else {
        items.add("psr", "dynamics", Severity::pass, std::nullopt, "dB", "undefined", ">= 8 dB",
                  "shorter than one 3 s short-term window");
    }
    if (a.drTt) {
        const double dr = *a.drTt;
        const double passDr = std::round(r.target.plrFloorDb - 1.0);
        const Severity s = grade(dr >= passDr, dr >= 5.0);
        items.add("dr", "dynamics", s, dr, "DR", format("DR%.0f", dr), format(">= DR%.0f (FAIL <= DR4)", passDr),
                  s == Severity::pass ? "healthy crest in the loudest blocks"
                                      : (s == Severity::warn ? "low crest factor in the loudest blocks"
                                                             : "crushed: the loudness war's signature"));
    } else {
        items.add("dr", "dynamics", Severity::pass, std::nullopt, "DR", "undefined", ">= DR8", "too short to measure");
    }
}

void tonalRule(const CheckReport& r, Items& items, const char* id, const mastering::TonalRegion& region) {
    constexpr double kWarnDb = 4.0, kFailDb = 10.0;
    const double loHz = region.loHz, hiHz = region.hiHz;
    const char* tooMuch = region.tooMuch;
    const char* tooLittle = region.tooLittle;
    const auto deviation = mastering::regionMeanDb(r.balanceDeviationDb, region);
    const std::string range = format("%.0f Hz - %.1f kHz", loHz, hiHz / 1000.0);
    const std::string threshold = format("+-%.0f dB vs %s (FAIL +-%.0f dB)", kWarnDb, r.balanceReference.c_str(), kFailDb);
    if (!deviation) {
        items.add(id, "tonal", Severity::pass, std::nullopt, "dB", "n/a", threshold, "no energy to compare in " + range);
        return;
    }
    const double d = *deviation;
    const bool over = d > kWarnDb, under = tooLittle != nullptr && d < -kWarnDb;
    Severity s = Severity::pass;
    std::string reason = "balanced in " + range;
    if (over || under) {
        s = std::abs(d) > kFailDb ? Severity::fail : Severity::warn;
        reason = format("%s: %+.1f dB in %s", over ? tooMuch : tooLittle, d, range.c_str());
    }
    items.add(id, "tonal", s, d, "dB", format("%+.1f dB", d), threshold, reason);
}

void stereoRules(const CheckReport& r, Items& items) {
    const auto& a = r.analysis;
    if (a.channels < 2 || !a.stereoCorrelation) {
        items.add("phase-correlation", "stereo", Severity::pass, std::nullopt, "", "mono", ">= 0", "mono file");
        return;
    }
    const double correlation = *a.stereoCorrelation;
    const Severity cs = grade(correlation >= 0.0, correlation >= -0.3);
    items.add("phase-correlation", "stereo", cs, correlation, "", format("%+.2f", correlation), ">= 0 (FAIL < -0.3)",
              cs == Severity::pass ? "channels in phase"
                                   : (cs == Severity::warn ? "partly out of phase" : "out of phase: a channel is inverted or delayed"));
    if (a.sideToMidDb) {
        const double sm = *a.sideToMidDb;
        const Severity s = grade(sm <= -3.0, sm <= 0.0);
        items.add("side-to-mid", "stereo", s, sm, "dB", format("%+.1f dB", sm), "<= -3 dB (FAIL > 0 dB)",
                  s == Severity::pass ? "mid dominates, as it should"
                                      : (s == Severity::warn ? "very wide" : "more side than mid: phase problem"));
    }
    if (r.lowFrequencySideToMidDb) {
        const double lf = *r.lowFrequencySideToMidDb;
        items.add("low-frequency-width", "stereo", lf <= -10.0 ? Severity::pass : Severity::warn, lf, "dB",
                  format("%+.1f dB", lf), "<= -10 dB side/mid up to 125 Hz",
                  lf <= -10.0 ? "bass is centred" : "wide bass: collapses or cancels in mono and on vinyl");
    }
    if (a.monoFoldDownLu) {
        const double mono = *a.monoFoldDownLu;
        const Severity s = grade(mono >= -3.5, mono >= -6.0);
        items.add("mono-fold-down", "stereo", s, mono, "LU", format("%+.1f LU", mono), ">= -3.5 LU (FAIL < -6 LU)",
                  s == Severity::pass ? "holds up in mono"
                                      : (s == Severity::warn ? "loses level in mono" : "cancels in mono: phase problem"));
    }
}

void housekeepingRules(const CheckReport& r, Items& items) {
    const auto& a = r.analysis;
    if (a.dcOffsetDbfs) {
        const double dc = *a.dcOffsetDbfs;
        const Severity s = grade(dc < -60.0, dc < -40.0);
        items.add("dc-offset", "housekeeping", s, dc, "dBFS", dc < -120.0 ? std::string("< -120 dBFS") : format("%.1f dBFS", dc),
                  "< -60 dBFS (FAIL >= -40 dBFS)",
                  s == Severity::pass ? "no DC offset" : "DC offset: wastes headroom, clicks at edits; high-pass it");
    } else {
        items.add("dc-offset", "housekeeping", Severity::pass, std::nullopt, "dBFS", "none", "< -60 dBFS", "no DC offset");
    }
    items.add("head-silence", "housekeeping", a.headSilenceSeconds <= 1.0 ? Severity::pass : Severity::warn,
              a.headSilenceSeconds, "s", format("%.2f s", a.headSilenceSeconds), "<= 1 s below -60 dBFS",
              a.headSilenceSeconds <= 1.0 ? "starts promptly" : "long silence before the music: trim the head");
    items.add("tail-silence", "housekeeping", a.tailSilenceSeconds <= 3.0 ? Severity::pass : Severity::warn,
              a.tailSilenceSeconds, "s", format("%.2f s", a.tailSilenceSeconds), "<= 3 s below -60 dBFS",
              a.tailSilenceSeconds <= 3.0 ? "ends cleanly" : "long silence after the music: trim the tail");

    const double rate = r.format.sampleRate;
    if (r.target.sampleRateHz) {
        const bool ok = rate == *r.target.sampleRateHz;
        items.add("sample-rate", "housekeeping", ok ? Severity::pass : Severity::fail, rate, "Hz", format("%.0f Hz", rate),
                  format("%.0f Hz (%s)", *r.target.sampleRateHz, r.target.name.c_str()),
                  ok ? "matches the deliverable" : format("the %s deliverable needs %.1f kHz: convert it", r.target.name.c_str(),
                                                          *r.target.sampleRateHz / 1000.0));
    } else {
        items.add("sample-rate", "housekeeping", rate >= 44100.0 ? Severity::pass : Severity::warn, rate, "Hz",
                  format("%.0f Hz", rate), ">= 44100 Hz",
                  rate >= 44100.0 ? "fine for distribution" : "distributors want 44.1 kHz or more");
    }
    const int bits = r.format.bitsPerSample;
    const std::string encoding = r.format.isFloat ? format("%d-bit float", bits) : format("%d-bit", bits);
    if (r.target.encoding) {
        const int wantBits = *r.target.encoding == SampleEncoding::Pcm16 ? 16 : (*r.target.encoding == SampleEncoding::Pcm24 ? 24 : 32);
        const bool wantFloat = *r.target.encoding == SampleEncoding::Float32;
        const bool ok = bits == wantBits && r.format.isFloat == wantFloat;
        items.add("bit-depth", "housekeeping", ok ? Severity::pass : Severity::fail, double(bits), "bit", encoding,
                  format("%d-bit%s (%s)", wantBits, wantFloat ? " float" : "", r.target.name.c_str()),
                  ok ? "matches the deliverable"
                     : format("the %s deliverable needs %d-bit: reduce it with dither", r.target.name.c_str(), wantBits));
    } else {
        const bool ok = !r.format.isFloat && bits >= 16;
        items.add("bit-depth", "housekeeping", ok ? Severity::pass : Severity::warn, double(bits), "bit", encoding,
                  "16 or 24-bit integer", ok ? "fine for distribution" : "distributors want 16 or 24-bit integer files");
    }
    const auto& t = r.truncation;
    std::string reason;
    switch (t.state) {
        case DitherState::notReduced: reason = "not reduced to 16 bits: nothing to dither"; break;
        case DitherState::dithered:
            reason = format("dither-level noise floor in %lld quiet blocks (median %.2f LSB^2)",
                            static_cast<long long>(t.judgedBlocks), t.medianFloorLsb2);
            break;
        case DitherState::undetermined: reason = "reduced, but no quiet passage where truncation would show"; break;
        case DitherState::truncated:
            reason = format("reduced to %d bits without dither: staircase in %lld of %lld quiet blocks", t.effectiveBits,
                            static_cast<long long>(t.staircaseBlocks), static_cast<long long>(t.judgedBlocks));
            break;
    }
    items.add("dither", "housekeeping", t.state == DitherState::truncated ? Severity::warn : Severity::pass,
              double(t.staircaseBlocks), "blocks", ditherStateName(t.state), "no undithered staircase (< LSB^2/8)", reason);
}

void translationRules(const CheckReport& r, Items& items) {
    for (const auto& t : r.translation) {
        std::string reason = t.problems.empty() ? "translates" : t.problems.front();
        for (std::size_t i = 1; i < t.problems.size(); ++i) reason += "; " + t.problems[i];
        if (t.problems.empty())
            reason = format("translates: %+.1f LU vs a typical master", t.loudnessVsTypicalLu) +
                     (t.tonalDeviationDb ? format(", audible balance within %.1f dB", std::abs(*t.tonalDeviationDb)) : "");
        items.add("translation-" + t.systemId, "translation", t.problems.empty() ? Severity::pass : Severity::warn,
                  t.loudnessChangeLu, "LU", format("%+.1f LU", t.loudnessChangeLu), "bass and vocal range audible",
                  reason);
    }
}

void codecRules(const CheckReport& r, Items& items) {
    if (!r.codecs) return;
    for (const auto& c : r.codecs->results) {
        if (!c.available) {
            items.add("codec-" + c.id, "codec", Severity::warn, std::nullopt, "dBTP", "not previewed", "decodes under 0 dBTP",
                      c.label + ": " + c.error);
            continue;
        }
        const bool clean = c.clippedSamples == 0 && c.interSampleOvers == 0 && c.decodedTruePeakDbtp <= 0.0;
        std::string reason;
        if (clean)
            reason = format("decodes at %.2f dBTP, coding error %.1f dB under the signal", c.decodedTruePeakDbtp,
                            -c.codingErrorToSignalDb);
        else
            reason = format("decoded copy clips: %lld samples over full scale, %lld inter-sample overs, %+.2f dBTP; "
                            "a ceiling of %.1f dBTP would avoid it",
                            static_cast<long long>(c.clippedSamples), static_cast<long long>(c.interSampleOvers),
                            c.decodedTruePeakDbtp,
                            std::floor((c.inputTruePeakDbtp - c.decodedTruePeakDbtp - 0.1) * 10.0) / 10.0);
        if (!r.codecs->wholeFile)
            reason += format(" (%zu excerpts, %.0f s: loudest section and highest peaks; --codec-full previews the whole file)",
                             r.codecs->excerpts.size(), r.codecs->previewedSeconds);
        items.add("codec-" + c.id, "codec", clean ? Severity::pass : Severity::warn, c.decodedTruePeakDbtp, "dBTP",
                  format("%.2f dBTP", c.decodedTruePeakDbtp), "<= 0 dBTP, no clipped samples after decoding",
                  c.label + ": " + reason);
    }
}

}  // namespace

Verdict evaluateVerdict(const CheckReport& report) {
    Items items;
    loudnessRules(report, items);
    peakRules(report, items);
    // Without programme loudness (silence, or noise under the -70 LUFS gate) the judgements of
    // dynamics, balance, stereo image and translation have nothing to judge.
    const bool programme = report.analysis.integratedLufs.has_value();
    if (programme) {
        dynamicsRules(report, items);
        tonalRule(report, items, "tonal-low", mastering::kLowEndRegion);
        tonalRule(report, items, "tonal-high", mastering::kHighRegion);
        tonalRule(report, items, "tonal-harsh", mastering::kPresenceRegion);
        stereoRules(report, items);
    } else {
        for (const auto& [id, category] : {std::pair{"plr", "dynamics"}, {"psr", "dynamics"}, {"dr", "dynamics"},
                                           {"tonal-low", "tonal"}, {"tonal-high", "tonal"}, {"tonal-harsh", "tonal"},
                                           {"phase-correlation", "stereo"}})
            items.add(id, category, Severity::pass, std::nullopt, "", "n/a", "a programme over -70 LUFS",
                      "nothing to judge: no programme loudness");
    }
    housekeepingRules(report, items);
    if (programme) translationRules(report, items);
    codecRules(report, items);
    return items.take();
}

}  // namespace lathe::check
