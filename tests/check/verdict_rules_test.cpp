#include "lathe/check/verdict_rules.h"

#include <gtest/gtest.h>

namespace lathe::check {
namespace {

// A report whose figures all pass the streaming target.
CheckReport goodReport(const std::string& target = "streaming") {
    CheckReport r;
    r.target = mastering::parseDeliveryTarget(target).value();
    r.ceilingDbtp = r.target.ceilingDbtp;
    r.format.sampleRate = 44100.0;
    r.format.bitsPerSample = 24;
    auto& a = r.analysis;
    a.channels = 2;
    a.integratedLufs = r.target.integratedLufs;
    a.truePeakDbtp = r.target.integratedLufs + 11.0 < r.ceilingDbtp ? r.target.integratedLufs + 11.0 : r.ceilingDbtp - 0.2;
    a.plrDb = *a.truePeakDbtp - *a.integratedLufs;
    a.maxShortTermLufs = *a.integratedLufs + 2.0;
    r.psrDb = *a.truePeakDbtp - *a.maxShortTermLufs;
    a.drTt = 10.0;
    a.stereoCorrelation = 0.8;
    a.sideToMidDb = -12.0;
    a.monoFoldDownLu = -0.5;
    r.lowFrequencySideToMidDb = -25.0;
    a.dcOffsetDbfs = -90.0;
    r.balanceReference = "target balance";
    for (auto& d : r.balanceDeviationDb) d = 0.5;
    r.truncation.state = DitherState::notReduced;
    return r;
}

Severity severity(const Verdict& v, const std::string& id) {
    const auto* item = v.find(id);
    EXPECT_NE(item, nullptr) << id;
    return item ? item->severity : Severity::fail;
}

TEST(VerdictRules, AGoodReportPassesAndEveryItemExplainsItself) {
    const auto verdict = evaluateVerdict(goodReport());
    EXPECT_EQ(verdict.overall(), Severity::pass);
    for (const auto& item : verdict.items) {
        EXPECT_FALSE(item.figure.empty()) << item.id;
        EXPECT_FALSE(item.threshold.empty()) << item.id;
        EXPECT_FALSE(item.reason.empty()) << item.id;
        EXPECT_FALSE(item.category.empty()) << item.id;
    }
}

TEST(VerdictRules, LoudnessTolerancesFollowTheTarget) {
    auto r = goodReport();
    r.analysis.integratedLufs = -16.5;  // 2.5 LU quiet
    EXPECT_EQ(severity(evaluateVerdict(r), "loudness"), Severity::warn);
    r.analysis.integratedLufs = -17.5;
    EXPECT_EQ(severity(evaluateVerdict(r), "loudness"), Severity::fail);
    // EBU R 128: +-0.5 LU passes, +-1 LU warns.
    auto broadcast = goodReport("ebu-r128");
    broadcast.analysis.integratedLufs = -23.8;
    EXPECT_EQ(severity(evaluateVerdict(broadcast), "loudness"), Severity::warn);
    broadcast.analysis.integratedLufs = -24.2;
    EXPECT_EQ(severity(evaluateVerdict(broadcast), "loudness"), Severity::fail);
    // CD: no playback normalisation, so loudness is never a FAIL.
    auto cd = goodReport("cd");
    cd.format.bitsPerSample = 16;
    cd.analysis.integratedLufs = -18.0;
    EXPECT_EQ(severity(evaluateVerdict(cd), "loudness"), Severity::warn);
    // Silence has no loudness: FAIL, and nothing else about the programme is judged.
    r.analysis.integratedLufs.reset();
    r.analysis.drTt = 2.0;
    r.psrDb = 3.0;
    r.translation.resize(6);
    r.translation[0].systemId = "phone";
    r.translation[0].problems = {"vocal range masked"};
    const auto silent = evaluateVerdict(r);
    EXPECT_EQ(severity(silent, "loudness"), Severity::fail);
    EXPECT_EQ(severity(silent, "dr"), Severity::pass);
    EXPECT_EQ(severity(silent, "psr"), Severity::pass);
    EXPECT_EQ(silent.find("translation-phone"), nullptr);
    EXPECT_EQ(silent.idsWith(Severity::fail), std::vector<std::string>{"loudness"});
}

TEST(VerdictRules, PlatformShortfallWarns) {
    auto r = goodReport();
    r.platforms = predictPlayback(-20.0, -5.0);  // Spotify lifts it only to -16 LUFS
    const auto verdict = evaluateVerdict(r);
    EXPECT_EQ(severity(verdict, "platform-spotify-normal"), Severity::warn);
    EXPECT_EQ(severity(verdict, "platform-youtube"), Severity::warn);
    EXPECT_EQ(severity(verdict, "platform-spotify-loud"), Severity::pass);
}

TEST(VerdictRules, DynamicsThresholds) {
    auto r = goodReport();
    r.analysis.plrDb = 7.0;
    r.psrDb = 7.0;
    r.analysis.drTt = 6.0;
    auto v = evaluateVerdict(r);
    EXPECT_EQ(severity(v, "plr"), Severity::warn);
    EXPECT_EQ(severity(v, "psr"), Severity::warn);
    EXPECT_EQ(severity(v, "dr"), Severity::warn);
    r.analysis.plrDb = 5.0;
    r.psrDb = 5.0;
    r.analysis.drTt = 4.0;
    v = evaluateVerdict(r);
    EXPECT_EQ(severity(v, "plr"), Severity::fail);
    EXPECT_EQ(severity(v, "psr"), Severity::fail);
    EXPECT_EQ(severity(v, "dr"), Severity::fail);
}

TEST(VerdictRules, TonalRegionsNameTheProblem) {
    auto r = goodReport();
    for (std::size_t b = 0; b < kTranslationBands; ++b) {
        const double f = analysis::kThirdOctaveCentresHz[b];
        if (f >= 63 && f <= 250) r.balanceDeviationDb[b] = 6.0;     // boomy
        if (f >= 2000 && f <= 4000) r.balanceDeviationDb[b] = 15.0;  // very harsh
        if (f >= 5000 && f <= 12500) r.balanceDeviationDb[b] = -5.0;  // dark
    }
    const auto v = evaluateVerdict(r);
    EXPECT_EQ(severity(v, "tonal-low"), Severity::warn);
    EXPECT_NE(v.find("tonal-low")->reason.find("boomy"), std::string::npos);
    EXPECT_EQ(severity(v, "tonal-harsh"), Severity::fail);
    EXPECT_NE(v.find("tonal-harsh")->reason.find("harsh"), std::string::npos);
    EXPECT_NEAR(*v.find("tonal-harsh")->value, (4 * 15.0 - 5.0) / 5.0, 1e-9);  // 2-5 kHz includes the 5 kHz band
    EXPECT_EQ(severity(v, "tonal-high"), Severity::warn);
    EXPECT_NE(v.find("tonal-high")->reason.find("dark"), std::string::npos);
}

TEST(VerdictRules, MonoFilesHaveNoStereoProblems) {
    auto r = goodReport();
    r.analysis.channels = 1;
    r.analysis.stereoCorrelation.reset();
    r.analysis.sideToMidDb.reset();
    r.analysis.monoFoldDownLu.reset();
    r.lowFrequencySideToMidDb.reset();
    const auto v = evaluateVerdict(r);
    EXPECT_EQ(severity(v, "phase-correlation"), Severity::pass);
    EXPECT_EQ(v.find("side-to-mid"), nullptr);
}

TEST(VerdictRules, HousekeepingAgainstTheDeliverable) {
    auto cd = goodReport("cd");
    cd.format.bitsPerSample = 24;
    cd.format.sampleRate = 48000.0;
    auto v = evaluateVerdict(cd);
    EXPECT_EQ(severity(v, "bit-depth"), Severity::fail);
    EXPECT_EQ(severity(v, "sample-rate"), Severity::fail);
    auto r = goodReport();
    r.format.isFloat = true;
    r.format.bitsPerSample = 32;
    r.format.sampleRate = 32000.0;
    r.analysis.headSilenceSeconds = 1.5;
    r.analysis.tailSilenceSeconds = 3.5;
    r.analysis.dcOffsetDbfs = -45.0;
    r.truncation.state = DitherState::truncated;
    v = evaluateVerdict(r);
    EXPECT_EQ(severity(v, "bit-depth"), Severity::warn);
    EXPECT_EQ(severity(v, "sample-rate"), Severity::warn);
    EXPECT_EQ(severity(v, "head-silence"), Severity::warn);
    EXPECT_EQ(severity(v, "tail-silence"), Severity::warn);
    EXPECT_EQ(severity(v, "dc-offset"), Severity::warn);
    EXPECT_EQ(severity(v, "dither"), Severity::warn);
}

TEST(VerdictRules, CodecsWarnWithTheCeilingThatWouldAvoidTheOvers) {
    auto r = goodReport();
    CodecPreview preview;
    CodecResult clean{"mp3-320", "MP3 320", true, "", 44100, 0, -1.2, -0.9, -1.0, 0, 0, -40, -25};
    CodecResult clips{"mp3-128", "MP3 128", true, "", 44100, 0, -0.3, 0.6, 0.2, 12, 30, -35, -18};
    CodecResult missing{"aac-256", "AAC", false, "no encoder", 0, 0, 0, 0, 0, 0, 0, 0, 0};
    preview.results = {clean, clips, missing};
    r.codecs = preview;
    const auto v = evaluateVerdict(r);
    EXPECT_EQ(severity(v, "codec-mp3-320"), Severity::pass);
    EXPECT_EQ(severity(v, "codec-mp3-128"), Severity::warn);
    // Decoding raised the peak by 0.9 dB: a ceiling 0.1 dB under -0.9 dBTP avoids it.
    EXPECT_NE(v.find("codec-mp3-128")->reason.find("a ceiling of -1.0 dBTP"), std::string::npos)
        << v.find("codec-mp3-128")->reason;
    EXPECT_EQ(severity(v, "codec-aac-256"), Severity::warn);
}

}  // namespace
}  // namespace lathe::check
