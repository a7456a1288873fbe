// masterAlbum() end to end on generated albums, judged on the files it writes (libebur128 as the
// loudness oracle, lathe's analyzer for the spectra).
#include "lathe/mastering/album.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <fstream>
#include <map>
#include <mutex>
#include <set>

#include "lathe/dsp/biquad.h"
#include "lathe/dsp/biquad_design.h"
#include "lathe/mastering/album_spread.h"
#include "lathe/mastering/cue_sheet.h"
#include "lathe/mastering/reference.h"
#include "lathe/mastering/tonal_balance.h"
#include "mastering/album_tonal_target.h"
#include "support/ebur128_oracle.h"
#include "support/masters.h"
#include "support/signals.h"
#include "support/temp_dir.h"
#include "util/text.h"

using namespace lathe;
using namespace lathe::mastering;
namespace fs = std::filesystem;

namespace {

struct TrackSpec {
    const char* name;
    double mixLufs;
    double lowShelfDb;   // at 150 Hz
    double highShelfDb;  // at 4 kHz
};

// Five tracks spread over 8 LU, each with its own tonal balance.
constexpr TrackSpec kFiveTracks[] = {
    {"single", -18.0, 0.0, +5.0},   // bright
    {"dark", -20.0, 0.0, -7.0},
    {"boomy", -22.0, +7.0, 0.0},
    {"thin", -24.0, -7.0, +2.0},
    {"ballad", -26.0, +3.0, -4.0},  // warm
};

AudioBuffer makeTrack(const TrackSpec& spec, int index, double rate, double seconds, int channels = 2) {
    AudioBuffer mix = test::balancedDemoMix(rate, seconds, false, 2.0 * index);
    auto filter = [&](const dsp::BiquadCascade& cascade) {
        dsp::MultichannelBiquadFilter f(cascade, mix.numChannels());
        f.process(mix.block());
    };
    if (spec.lowShelfDb != 0.0) filter(dsp::lowShelf(150.0, spec.lowShelfDb, dsp::kButterworthQ, rate));
    if (spec.highShelfDb != 0.0) filter(dsp::highShelf(4000.0, spec.highShelfDb, dsp::kButterworthQ, rate));
    test::applyGainDb(mix, spec.mixLufs - test::integratedLufs(mix.block(), rate));
    if (channels == 1) {
        AudioBuffer mono(1, mix.numFrames());
        for (std::size_t i = 0; i < mix.numFrames(); ++i) mono.channel(0)[i] = 0.5f * (mix.channel(0)[i] + mix.channel(1)[i]);
        return mono;
    }
    return mix;
}

fs::path writeTrack(const fs::path& path, const AudioBuffer& audio, double rate, FileFormat format = FileFormat::Wav,
                    SampleEncoding encoding = SampleEncoding::Pcm24) {
    EXPECT_TRUE(writeAudioFile(path, audio.block(), rate, {format, encoding, {}}).ok()) << path;
    return path;
}

std::set<std::string> filesIn(const fs::path& dir) {
    std::set<std::string> names;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) names.insert(entry.path().filename().string());
    return names;
}

AlbumRequest albumRequest(const std::vector<fs::path>& inputs, const fs::path& outputDir, const std::string& target = "streaming") {
    AlbumRequest request;
    request.inputs = inputs;
    request.outputDir = outputDir;
    request.plan.target = parseDeliveryTarget(target).value();
    request.jobs = 2;
    return request;
}

}  // namespace

// The five-track album, mastered once in each loudness mode for the tests below. (Outside the
// anonymous namespace: in a unity batch GCC warns about test classes derived from a type in one.)
class AlbumOfFive : public ::testing::Test {
protected:
    struct Run {
        std::optional<AlbumReport> report;
        std::string error;
        std::vector<double> deliveredLufs;  // libebur128
        std::vector<double> deliveredTruePeakDbtp;
        std::vector<analysis::Analysis> delivered;  // lathe's analyzer, on the written files
    };
    static void SetUpTestSuite() {
        dir_ = new test::TempDir();
        for (std::size_t i = 0; i < std::size(kFiveTracks); ++i) {
            const auto path = (*dir_) / (std::string(kFiveTracks[i].name) + ".wav");
            writeTrack(path, makeTrack(kFiveTracks[i], int(i), 48000.0, 10.0), 48000.0);
            inputs_.push_back(path);
            mixLufs_.push_back(test::measureWithLibebur128(path).integratedLufs);
            auto analysed = analysis::analyzeFile(path);
            mixes_.push_back(analysed.ok() ? *analysed : analysis::Analysis{});
        }
    }
    static void TearDownTestSuite() {
        runs_.clear();
        inputs_.clear();
        mixLufs_.clear();
        mixes_.clear();
        delete dir_;
        dir_ = nullptr;
    }
    // Masters the album in `mode` on first use (ctest runs each test in its own process: a test
    // pays only for the mode it looks at).
    static const Run& run(AlbumLoudness mode) {
        if (const auto found = runs_.find(mode); found != runs_.end()) return found->second;
        Run& run = runs_[mode];
        auto request = albumRequest(inputs_, (*dir_) / albumLoudnessName(mode));
        request.loudness = mode;
        auto report = masterAlbum(request);
        if (!report.ok()) {
            run.error = report.error().message;
            return run;
        }
        for (const auto& track : report->tracks) {
            const auto m = test::measureWithLibebur128(track.output);
            run.deliveredLufs.push_back(m.integratedLufs);
            run.deliveredTruePeakDbtp.push_back(m.truePeakDbtp);
            auto analysed = analysis::analyzeFile(track.output);
            run.delivered.push_back(analysed.ok() ? *analysed : analysis::Analysis{});
        }
        run.report = std::move(*report);
        return run;
    }

    static inline test::TempDir* dir_ = nullptr;
    static inline std::vector<fs::path> inputs_;
    static inline std::vector<double> mixLufs_;
    static inline std::vector<analysis::Analysis> mixes_;
    static inline std::map<AlbumLoudness, Run> runs_;
};

TEST_F(AlbumOfFive, TheMixesAreSpreadOverEightLu) {
    const auto [lo, hi] = std::minmax_element(mixLufs_.begin(), mixLufs_.end());
    EXPECT_NEAR(*hi - *lo, 8.0, 0.1);
}

TEST_F(AlbumOfFive, EqualModeDeliversEveryTrackWithinPointThreeLuOfEachOther) {
    const auto& r = run(AlbumLoudness::Equal);
    ASSERT_TRUE(r.report) << r.error;
    ASSERT_EQ(r.deliveredLufs.size(), 5u);
    const auto [lo, hi] = std::minmax_element(r.deliveredLufs.begin(), r.deliveredLufs.end());
    EXPECT_LE(*hi - *lo, 0.3) << "delivered spread (libebur128)";
    for (std::size_t i = 0; i < 5; ++i) {
        EXPECT_NEAR(r.deliveredLufs[i], -14.0, 0.1) << kFiveTracks[i].name;
        EXPECT_LE(r.deliveredTruePeakDbtp[i], -1.0 + 1e-6) << kFiveTracks[i].name;
        std::printf("[ figures  ] equal mode, %s: true peak %.2f dBTP (libebur128), %.2f dBTP (lathe)\n", kFiveTracks[i].name,
                    r.deliveredTruePeakDbtp[i], r.delivered[i].truePeakDbtp.value_or(-INFINITY));
    }
    ASSERT_TRUE(r.report->loudnessSpreadAfterLu.has_value());
    EXPECT_LE(*r.report->loudnessSpreadAfterLu, 0.3);
    std::printf("[ figures  ] equal mode: delivered spread %.3f LU (libebur128)\n", *hi - *lo);
}

TEST_F(AlbumOfFive, AlbumModeKeepsTheOrderAndTheDifferencesWithTheLoudestOnTarget) {
    const auto& r = run(AlbumLoudness::Album);
    ASSERT_TRUE(r.report) << r.error;
    ASSERT_EQ(r.deliveredLufs.size(), 5u);
    const std::size_t loudest = std::size_t(std::max_element(mixLufs_.begin(), mixLufs_.end()) - mixLufs_.begin());
    EXPECT_NEAR(r.deliveredLufs[loudest], -14.0, 0.1) << "the loudest track sits on the target";
    EXPECT_EQ(std::size_t(std::max_element(r.deliveredLufs.begin(), r.deliveredLufs.end()) - r.deliveredLufs.begin()), loudest);
    double worst = 0.0;
    for (std::size_t i = 0; i < 5; ++i) {
        EXPECT_LE(r.deliveredTruePeakDbtp[i], -1.0 + 1e-6) << kFiveTracks[i].name;
        for (std::size_t j = 0; j < 5; ++j) {
            if (i == j) continue;
            const double mixDifference = mixLufs_[i] - mixLufs_[j];
            const double deliveredDifference = r.deliveredLufs[i] - r.deliveredLufs[j];
            EXPECT_EQ(mixDifference > 0, deliveredDifference > 0) << "order of " << kFiveTracks[i].name << ", " << kFiveTracks[j].name;
            EXPECT_NEAR(deliveredDifference, mixDifference, 1.0) << kFiveTracks[i].name << " - " << kFiveTracks[j].name;
            worst = std::max(worst, std::abs(deliveredDifference - mixDifference));
        }
    }
    std::printf("[ figures  ] album mode: loudest at %.3f LUFS; differences kept within %.3f LU (libebur128)\n",
                r.deliveredLufs[loudest], worst);
}

TEST_F(AlbumOfFive, TheReportHoldsEveryTracksFiguresAndTheSpread) {
    const auto& r = run(AlbumLoudness::Album);
    ASSERT_TRUE(r.report) << r.error;
    const auto& report = *r.report;
    ASSERT_EQ(report.tracks.size(), 5u);
    for (std::size_t i = 0; i < 5; ++i) {
        const auto& t = report.tracks[i];
        EXPECT_EQ(t.number, int(i) + 1);
        EXPECT_EQ(t.output.filename().string(), formatText("%02zu - %s.wav", i + 1, kFiveTracks[i].name));
        ASSERT_TRUE(t.master.after.integratedLufs.has_value());
        EXPECT_NEAR(*t.master.after.integratedLufs, r.deliveredLufs[i], 0.1) << "the report measured the written file";
        EXPECT_NEAR(t.targetLufs, -14.0 - (-18.0 - kFiveTracks[i].mixLufs), 0.1);
    }
    ASSERT_TRUE(report.loudnessSpreadBeforeLu && report.loudnessSpreadAfterLu);
    EXPECT_NEAR(*report.loudnessSpreadAfterLu, *report.loudnessSpreadBeforeLu, 0.2);
    EXPECT_TRUE(fs::exists(report.reportPath));
    EXPECT_EQ(filesIn(report.reportPath.parent_path()).size(), 6u) << "five tracks and the report, no staging folder";
}

// The shared tonal character: each track's EQ moves toward the album's average balance, so the
// tracks' balances (1/3-octave, dB RMS around the album mean) come together by at least half.
TEST_F(AlbumOfFive, TheSpreadOfTonalBalanceShrinksByAtLeastHalf) {
    const auto& r = run(AlbumLoudness::Album);
    ASSERT_TRUE(r.report) << r.error;
    const auto before = tonalSpreadDb(mixes_);
    const auto after = tonalSpreadDb(r.delivered);
    ASSERT_TRUE(before && after);
    std::printf("[ figures  ] tonal spread %.2f dB -> %.2f dB (%s)\n", *before, *after, r.report->tonalTarget.c_str());
    EXPECT_GT(*before, 2.0) << "the album needs tonal differences to shrink";
    if (!albumTonalMatchingAvailable()) GTEST_SKIP() << "reference matching (the album's tonal target) is not built yet";
    EXPECT_LE(*after, 0.5 * *before);
}

// The target is the album's OWN average balance: the tracks meet around it, so the album's mean
// shape hardly moves, while lathe's generic balance (what a track mastered alone aims at) is far
// from it.
TEST_F(AlbumOfFive, TheAlbumKeepsItsOwnAverageBalance) {
    if (!albumTonalMatchingAvailable()) GTEST_SKIP() << "reference matching (the album's tonal target) is not built yet";
    const auto& r = run(AlbumLoudness::Album);
    ASSERT_TRUE(r.report) << r.error;
    // Mean over the tracks of each track's band levels with its own mean over the bands removed.
    auto meanShape = [](const std::vector<analysis::Analysis>& tracks, const std::vector<std::size_t>& bands) {
        std::vector<double> shape(bands.size(), 0.0);
        for (const auto& t : tracks) {
            double mean = 0.0;
            for (const std::size_t b : bands) mean += *t.thirdOctaveMidDb[b] / double(bands.size());
            for (std::size_t k = 0; k < bands.size(); ++k) shape[k] += (*t.thirdOctaveMidDb[bands[k]] - mean) / double(tracks.size());
        }
        return shape;
    };
    auto rmsDistance = [](std::vector<double> a, std::vector<double> b) {
        double meanDifference = 0.0;
        for (std::size_t k = 0; k < a.size(); ++k) meanDifference += (a[k] - b[k]) / double(a.size());
        double sum = 0.0;
        for (std::size_t k = 0; k < a.size(); ++k) sum += (a[k] - b[k] - meanDifference) * (a[k] - b[k] - meanDifference);
        return std::sqrt(sum / double(a.size()));
    };
    std::vector<std::size_t> bands;
    for (std::size_t b = 0; b < analysis::kThirdOctaveCentresHz.size(); ++b) {
        const double hz = analysis::kThirdOctaveCentresHz[b];
        if (hz < kTonalSpreadLowHz || hz > kTonalSpreadHighHz) continue;
        bool everywhere = true;
        const std::vector<analysis::Analysis>& mixes = mixes_;
        for (const auto* set : {&mixes, &r.delivered})
            for (const auto& t : *set) everywhere = everywhere && t.thirdOctaveMidDb.size() > b && t.thirdOctaveMidDb[b];
        if (everywhere) bands.push_back(b);
    }
    ASSERT_GT(bands.size(), 20u);
    std::vector<double> generic;
    for (const std::size_t b : bands) generic.push_back(targetBalanceDb(analysis::kThirdOctaveCentresHz[b]));
    const double moved = rmsDistance(meanShape(mixes_, bands), meanShape(r.delivered, bands));
    const double genericDistance = rmsDistance(meanShape(mixes_, bands), generic);
    std::printf("[ figures  ] the album's mean balance moved %.2f dB RMS; lathe's generic balance is %.2f dB RMS from it\n", moved,
                genericDistance);
    EXPECT_LT(moved, 0.25 * genericDistance);
}

// With --reference the tracks move toward the reference's balance instead; the loudness is still
// the album's (the reference's -10 LUFS is not followed).
TEST(Album, WithAReferenceEveryTrackMovesTowardItsBalance) {
    if (!albumTonalMatchingAvailable()) GTEST_SKIP() << "reference matching is not built yet";
    test::TempDir dir;
    std::vector<fs::path> inputs;
    for (int i = 0; i < 3; ++i)
        inputs.push_back(writeTrack(dir / formatText("t%d.wav", i), makeTrack(kFiveTracks[i], i, 48000.0, 8.0), 48000.0));
    const TrackSpec warmLoud = {"reference", -10.0, +5.0, -6.0};
    const auto referencePath = writeTrack(dir / "reference.wav", makeTrack(warmLoud, 4, 44100.0, 8.0), 44100.0);
    auto request = albumRequest(inputs, dir / "out");
    request.reference = referencePath;
    auto report = masterAlbum(request);
    ASSERT_TRUE(report.ok()) << report.error().message;
    EXPECT_NE(report->tonalTarget.find("reference"), std::string::npos) << report->tonalTarget;
    const auto reference = loadReference(referencePath);
    ASSERT_TRUE(reference.ok());
    for (std::size_t i = 0; i < 3; ++i) {
        const auto mix = loadReference(inputs[i]);
        const auto delivered = loadReference(report->tracks[i].output);
        ASSERT_TRUE(mix.ok() && delivered.ok());
        const auto before = profileDistance(mix.value(), reference.value()).spectralDbRms;
        const auto after = profileDistance(delivered.value(), reference.value()).spectralDbRms;
        ASSERT_TRUE(before && after);
        std::printf("[ figures  ] track %zu: %.2f dB RMS from the reference's balance -> %.2f dB\n", i + 1, *before, *after);
        EXPECT_LE(*after, 0.5 * *before) << "track " << i + 1;
    }
    const auto loudest = test::measureWithLibebur128(report->tracks[0].output);
    EXPECT_NEAR(loudest.integratedLufs, -14.0, 0.1) << "the loudest track at the album's target, not the reference's loudness";
}

TEST(Album, SameBytesWhateverTheNumberOfJobsAndOrderlyProgress) {
    test::TempDir dir;
    std::vector<fs::path> inputs;
    for (int i = 0; i < 3; ++i)
        inputs.push_back(writeTrack(dir / formatText("t%d.wav", i), makeTrack(kFiveTracks[i], i, 48000.0, 4.0), 48000.0));
    std::map<int, std::set<std::string>> names;
    for (const int jobs : {1, 3}) {
        auto request = albumRequest(inputs, dir / formatText("jobs%d", jobs));
        request.jobs = jobs;
        request.singleFile = true;
        std::atomic<bool> inCallback{false};
        std::atomic<int> overlaps{0};
        std::mutex mutex;
        std::vector<AlbumProgress> events;
        request.progress = [&](const AlbumProgress& p) {
            if (inCallback.exchange(true)) ++overlaps;
            {
                std::lock_guard lock(mutex);
                events.push_back(p);
            }
            inCallback = false;
        };
        auto report = masterAlbum(request);
        ASSERT_TRUE(report.ok()) << report.error().message;
        EXPECT_EQ(report->jobs, jobs);
        EXPECT_EQ(overlaps.load(), 0);
        for (const auto stage : {AlbumStage::Analyse, AlbumStage::Master, AlbumStage::Assemble}) {
            std::multiset<std::pair<std::size_t, bool>> seen;
            std::size_t lastFinished = 0;
            for (const auto& e : events) {
                if (e.stage != stage) continue;
                seen.insert({e.track, e.finished});
                EXPECT_EQ(e.trackCount, 3u);
                EXPECT_GE(e.finishedTracks, lastFinished);
                lastFinished = e.finishedTracks;
            }
            EXPECT_EQ(lastFinished, 3u);
            for (std::size_t t = 0; t < 3; ++t) {
                EXPECT_EQ(seen.count({t, false}), 1u);
                EXPECT_EQ(seen.count({t, true}), 1u);
            }
        }
        names[jobs] = filesIn(dir / formatText("jobs%d", jobs));
    }
    ASSERT_EQ(names[1], names[3]);
    EXPECT_EQ(names[1].size(), 6u);  // 3 tracks, album.wav, album.cue, album.json
    for (const auto& name : names[1]) {
        if (name == "album.json") continue;  // holds timings
        EXPECT_EQ(test::readFile(dir / "jobs1" / name), test::readFile(dir / "jobs3" / name)) << name;
    }
}

// `cd`: 44.1 kHz 16-bit whatever the input; the single file is the track files, bit for bit, with
// digital silence between; every start on a 588-sample CD frame; the CUE sheet says where.
TEST(Album, SingleFileForCdIsTheTracksOnCdFramesWithTheGaps) {
    test::TempDir dir;
    const std::vector<fs::path> inputs = {
        writeTrack(dir / "a.wav", makeTrack(kFiveTracks[0], 0, 48000.0, 3.0), 48000.0),
        writeTrack(dir / "b.wav", makeTrack(kFiveTracks[1], 1, 44100.0, 3.3), 44100.0),
        writeTrack(dir / "c.wav", makeTrack(kFiveTracks[2], 2, 48000.0, 2.7), 48000.0),
    };
    auto request = albumRequest(inputs, dir / "out", "cd");
    request.singleFile = true;
    request.gapSeconds = 1.2;
    auto report = masterAlbum(request);
    ASSERT_TRUE(report.ok()) << report.error().message;
    ASSERT_TRUE(report->singleFile.has_value());
    auto album = readAudioFile(dir / "out" / "album.wav");
    ASSERT_TRUE(album.ok()) << album.error().message;
    EXPECT_EQ(album->info.sampleRate, 44100.0);
    EXPECT_EQ(album->info.bitsPerSample, 16);
    EXPECT_EQ(album->audio.numFrames() % 588, 0u);
    const auto& layout = report->singleFile->layout;
    ASSERT_EQ(layout.tracks.size(), 3u);
    std::vector<bool> covered(album->audio.numFrames(), false);
    for (std::size_t i = 0; i < 3; ++i) {
        auto track = readAudioFile(report->tracks[i].output);
        ASSERT_TRUE(track.ok());
        EXPECT_EQ(track->info.sampleRate, 44100.0);
        EXPECT_EQ(track->info.bitsPerSample, 16);
        const auto& place = layout.tracks[i];
        EXPECT_EQ(place.startFrame % 588, 0) << i;
        EXPECT_EQ(std::size_t(place.frames), track->audio.numFrames());
        if (i > 0) {
            EXPECT_EQ(place.startFrame - place.pregapStartFrame, 90 * 588) << "1.2 s = 90 CD frames";
        }
        for (int c = 0; c < 2; ++c) {
            const auto want = track->audio.channel(c);
            const auto got = album->audio.channel(c).subspan(std::size_t(place.startFrame), want.size());
            EXPECT_TRUE(std::equal(want.begin(), want.end(), got.begin())) << "track " << i << " channel " << c;
        }
        std::fill(covered.begin() + place.startFrame, covered.begin() + place.startFrame + place.frames, true);
    }
    std::size_t nonZeroOutside = 0;
    for (std::size_t f = 0; f < covered.size(); ++f)
        if (!covered[f] && (album->audio.channel(0)[f] != 0.0f || album->audio.channel(1)[f] != 0.0f)) ++nonZeroOutside;
    EXPECT_EQ(nonZeroOutside, 0u) << "gaps and padding are digital silence";
    const std::string cue = test::readFile(dir / "out" / "album.cue");
    EXPECT_NE(cue.find("FILE \"album.wav\" WAVE"), std::string::npos) << cue;
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_NE(cue.find("INDEX 01 " + cueTime(layout.tracks[i].startFrame, 44100.0)), std::string::npos) << cue;
        if (i > 0) {
            EXPECT_NE(cue.find("INDEX 00 " + cueTime(layout.tracks[i].pregapStartFrame, 44100.0)), std::string::npos) << cue;
        }
    }
}

// Per-track files keep each input's format, rate and word length; a single file makes the whole
// album take the first track's.
TEST(Album, OutputsKeepTheInputFormatUnlessOneFileNeedsOne) {
    test::TempDir dir;
    const std::vector<fs::path> inputs = {
        writeTrack(dir / "a.flac", makeTrack(kFiveTracks[0], 0, 44100.0, 3.0), 44100.0, FileFormat::Flac, SampleEncoding::Pcm16),
        writeTrack(dir / "b.aif", makeTrack(kFiveTracks[1], 1, 48000.0, 3.0), 48000.0, FileFormat::Aiff, SampleEncoding::Pcm24),
        writeTrack(dir / "c.wav", makeTrack(kFiveTracks[2], 2, 32000.0, 3.0), 32000.0, FileFormat::Wav, SampleEncoding::Float32),
    };
    auto own = masterAlbum(albumRequest(inputs, dir / "own"));
    ASSERT_TRUE(own.ok()) << own.error().message;
    struct Expect {
        const char* name;
        double rate;
        int bits;
        bool isFloat;
    };
    const Expect expected[] = {{"01 - a.flac", 44100, 16, false}, {"02 - b.aif", 48000, 24, false}, {"03 - c.wav", 32000, 32, true}};
    for (const auto& e : expected) {
        auto reader = AudioFileReader::open(dir / "own" / e.name);
        ASSERT_TRUE(reader.ok()) << e.name;
        EXPECT_EQ(reader->info().sampleRate, e.rate) << e.name;
        EXPECT_EQ(reader->info().bitsPerSample, e.bits) << e.name;
        EXPECT_EQ(reader->info().isFloat, e.isFloat) << e.name;
    }

    auto request = albumRequest(inputs, dir / "one");
    request.singleFile = true;
    request.gapSeconds = 0.0;
    auto one = masterAlbum(request);
    ASSERT_TRUE(one.ok()) << one.error().message;
    for (const char* name : {"01 - a.flac", "02 - b.flac", "03 - c.flac", "album.flac"}) {
        auto reader = AudioFileReader::open(dir / "one" / name);
        ASSERT_TRUE(reader.ok()) << name;
        EXPECT_EQ(reader->info().sampleRate, 44100.0) << name;
        EXPECT_EQ(reader->info().bitsPerSample, 16) << name;
    }
    EXPECT_EQ(std::count_if(one->warnings.begin(), one->warnings.end(),
                            [](const std::string& w) { return w.find("resampled to 44100 Hz") != std::string::npos; }),
              2);
}

TEST(Album, SingleFileNeedsOneChannelCount) {
    test::TempDir dir;
    const std::vector<fs::path> inputs = {
        writeTrack(dir / "stereo.wav", makeTrack(kFiveTracks[0], 0, 48000.0, 2.0), 48000.0),
        writeTrack(dir / "mono.wav", makeTrack(kFiveTracks[1], 1, 48000.0, 2.0, 1), 48000.0),
    };
    auto request = albumRequest(inputs, dir / "out");
    request.singleFile = true;
    auto report = masterAlbum(request);
    ASSERT_FALSE(report.ok());
    EXPECT_NE(report.error().message.find("mono.wav"), std::string::npos) << report.error().message;
    EXPECT_NE(report.error().message.find("same channel count"), std::string::npos) << report.error().message;
    EXPECT_FALSE(fs::exists(dir / "out"));
    request.singleFile = false;  // separate files may differ
    EXPECT_TRUE(masterAlbum(request).ok());
}

TEST(Album, AFailingTrackFailsTheAlbumAndLeavesNothingBehind) {
    test::TempDir dir;
    std::vector<fs::path> inputs;
    for (int i = 0; i < 3; ++i)
        inputs.push_back(writeTrack(dir / formatText("t%d.wav", i), makeTrack(kFiveTracks[i], i, 48000.0, 2.5), 48000.0));
    const auto silent = writeTrack(dir / "silent.wav", AudioBuffer(2, 48000 * 3), 48000.0);
    fs::create_directory(dir / "out");
    std::ofstream(dir / "out" / "notes.txt") << "the user's own file";

    // Found while analysing.
    auto request = albumRequest({inputs[0], inputs[1], silent, inputs[2]}, dir / "out");
    request.singleFile = true;
    auto report = masterAlbum(request);
    ASSERT_FALSE(report.ok());
    EXPECT_NE(report.error().message.find(silent.string()), std::string::npos) << report.error().message;
    EXPECT_NE(report.error().message.find("silent"), std::string::npos) << report.error().message;
    EXPECT_EQ(report.error().message.find('\n'), std::string::npos);
    EXPECT_EQ(filesIn(dir / "out"), std::set<std::string>{"notes.txt"});

    // Found while mastering, after other tracks are done: the third input disappears as mastering starts.
    const auto vanishing = dir / "vanishing.wav";
    fs::copy_file(inputs[2], vanishing);
    request = albumRequest({inputs[0], inputs[1], vanishing}, dir / "out");
    request.jobs = 1;
    request.progress = [&](const AlbumProgress& p) {
        if (p.stage == AlbumStage::Master && !p.finished && p.track == 0) fs::remove(vanishing);
    };
    report = masterAlbum(request);
    ASSERT_FALSE(report.ok());
    EXPECT_NE(report.error().message.find(vanishing.string()), std::string::npos) << report.error().message;
    EXPECT_EQ(report.error().message.find(".lathe-album"), std::string::npos) << "never names the staging folder";
    EXPECT_EQ(filesIn(dir / "out"), std::set<std::string>{"notes.txt"});

    // A folder the album created is removed again.
    request = albumRequest({inputs[0], silent}, dir / "new");
    EXPECT_FALSE(masterAlbum(request).ok());
    EXPECT_FALSE(fs::exists(dir / "new"));
}

TEST(Album, NeverWritesOverAnInput) {
    test::TempDir dir;
    const auto x = writeTrack(dir / "x.wav", makeTrack(kFiveTracks[0], 0, 48000.0, 2.0), 48000.0);
    const auto clash = writeTrack(dir / "01 - x.wav", makeTrack(kFiveTracks[1], 1, 48000.0, 2.0), 48000.0);
    const std::string before = test::readFile(clash);
    auto report = masterAlbum(albumRequest({x, clash}, dir.path()));
    ASSERT_FALSE(report.ok());
    EXPECT_NE(report.error().message.find("is an input"), std::string::npos) << report.error().message;
    EXPECT_EQ(test::readFile(clash), before);
    EXPECT_EQ(filesIn(dir.path()), (std::set<std::string>{"x.wav", "01 - x.wav"}));
    // Named through a folder the album would have to create: refused before creating it.
    auto throughNew = masterAlbum(albumRequest({x, clash}, dir / "new" / ".."));
    ASSERT_FALSE(throughNew.ok());
    EXPECT_FALSE(fs::exists(dir / "new"));
}

TEST(Album, TrackFileNamesAreNumbered) {
    EXPECT_EQ(albumTrackFileName(3, 12, "/music/Song Title.flac", ".flac"), "03 - Song Title.flac");
    EXPECT_EQ(albumTrackFileName(7, 120, "b.wav", ".wav"), "007 - b.wav");
}
