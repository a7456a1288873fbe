#include "lathe/check/html_report.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "lathe/synth/demo_mix.h"
#include "support/cli_run.h"
#include "support/masters.h"
#include "support/temp_dir.h"

namespace lathe::check {
namespace {

namespace fs = std::filesystem;

struct Fixture {
    AudioBuffer audio;
    AudioFileInfo format;
    CheckReport report;
};

// A short master with overs (true peak over the ceiling), so every chart has something to draw.
const Fixture& fixture() {
    static const Fixture f = [] {
        Fixture out;
        synth::DemoMixParams params;
        params.seconds = 12.0;
        out.audio = synth::makeDemoMix(params);
        test::makeMaster(out.audio, params.sampleRate, -14.0, -0.5);
        test::applyGainDb(out.audio, 1.0);  // peaks over the -1 dBTP ceiling
        out.format.path = "demo-master.wav";
        out.format.sampleRate = params.sampleRate;
        out.format.numChannels = 2;
        out.format.numFrames = std::int64_t(out.audio.numFrames());
        out.format.bitsPerSample = 24;
        out.format.encodingName = "PCM 24-bit";
        auto report = checkAudio(out.audio.block(), out.format);
        EXPECT_TRUE(report.ok());
        if (report) out.report = std::move(report.value());
        return out;
    }();
    return f;
}

constexpr int kCharts = 11;  // loudness, spectrum, waveform, dynamics, codecs and 6 translation charts

int count(const std::string& text, const std::string& what) {
    int n = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

TEST(HtmlReport, IsOneSelfContainedPageWithEveryChart) {
    auto html = renderHtmlReport(htmlContentFor(fixture().report));
    ASSERT_TRUE(html.ok()) << html.error().message;
    const std::string& page = html.value();
    EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u);
    EXPECT_EQ(count(page, "<svg class=\"chart\""), kCharts);
    for (const char* id : {"chart-loudness", "chart-spectrum", "chart-waveform", "chart-dynamics", "chart-codecs",
                           "chart-translation-phone", "chart-translation-club"})
        EXPECT_NE(page.find(std::string("id=\"") + id + "\""), std::string::npos) << id;
    // Nothing fetched at view time: no external resources of any kind.
    EXPECT_EQ(page.find("<link"), std::string::npos);
    EXPECT_EQ(page.find(" src="), std::string::npos);
    EXPECT_EQ(page.find("url("), std::string::npos);
    EXPECT_EQ(page.find("@import"), std::string::npos);
    EXPECT_EQ(count(page, "http"), count(page, "http://www.w3.org/2000/svg"));  // only the SVG namespace name
    // The overs are marked on the waveform, and the verdict table lists every item.
    EXPECT_GT(count(page, "class=\"mark over\""), 0);
    EXPECT_EQ(count(page, "<span class=\"badge"), int(fixture().report.verdict.items.size()) + 1);
}

TEST(HtmlReport, BeforeAndAfterForAMasterRun) {
    const auto& f = fixture();
    analysis::Analysis before = f.report.analysis;  // stands in for the unmastered input
    for (auto& v : before.shortTermLufs) v -= 6.0f;
    auto html = renderHtmlReport(htmlContentFor(f.report, &before));
    ASSERT_TRUE(html.ok());
    EXPECT_GE(count(html.value(), "class=\"mark before\""), 3);  // loudness, spectrum, histogram
}

TEST(HtmlReport, NeedsTheAnalysisAndTheVerdict) {
    HtmlReportContent content;
    EXPECT_FALSE(renderHtmlReport(content).ok());
}

std::string findChromium() {
    for (const char* candidate : {"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"})
        if (fs::exists(candidate)) return candidate;
    return {};
}

std::string chromiumCommand(const std::string& chromium, const test::TempDir& dir) {
    return test::shellQuote(chromium) +
           " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking"
           " --disable-component-update --disable-sync --disable-dev-shm-usage --enable-logging=stderr --v=0"
           " --user-data-dir=" + test::shellQuote((dir / "profile").string());
}

// The value of the first `name="..."` attribute in a DOM dump.
std::string attribute(const std::string& dom, const std::string& name) {
    const std::string key = " " + name + "=\"";
    const std::size_t at = dom.find(key);
    if (at == std::string::npos) return {};
    const std::size_t begin = at + key.size();
    return dom.substr(begin, dom.find('"', begin) - begin);
}

TEST(HtmlReport, DrawsEveryChartInHeadlessChromiumWithoutErrors) {
    const std::string chromium = findChromium();
    if (chromium.empty()) GTEST_SKIP() << "Chromium is not installed (apt-get install chromium): HTML report not opened in a browser";
    test::TempDir dir;
    const fs::path page = dir / "report.html";
    ASSERT_TRUE(writeHtmlReport(page, htmlContentFor(fixture().report)).ok());

    const auto dump = test::runCommand(dir, "timeout 120 " + chromiumCommand(chromium, dir) + " --dump-dom " +
                                                test::shellQuote("file://" + page.string()));
    ASSERT_EQ(dump.exitCode, 0) << dump.err;
    EXPECT_EQ(attribute(dump.out, "data-charts"), std::to_string(kCharts)) << "charts found in the DOM";
    EXPECT_EQ(attribute(dump.out, "data-charts-drawn"), std::to_string(kCharts)) << "charts that drew";
    EXPECT_EQ(attribute(dump.out, "data-errors"), "0") << attribute(dump.out, "data-error-messages");
    EXPECT_EQ(dump.err.find("Uncaught"), std::string::npos) << dump.err;
    EXPECT_EQ(dump.err.find(":CONSOLE"), std::string::npos) << dump.err;

    // The screenshot is kept next to the test folders for a human to look at.
    const char* tmp = std::getenv("LATHE_TEST_TMP");
    const fs::path shotDir = tmp ? fs::path(tmp) : fs::temp_directory_path();
    fs::create_directories(shotDir);
    const fs::path shot = shotDir / "check-report.png";
    fs::remove(shot);
    const auto screenshot = test::runCommand(dir, "timeout 120 " + chromiumCommand(chromium, dir) + " --hide-scrollbars --window-size=1100,4200 --screenshot=" +
                                                      test::shellQuote(shot.string()) + " " + test::shellQuote("file://" + page.string()));
    ASSERT_EQ(screenshot.exitCode, 0) << screenshot.err;
    ASSERT_TRUE(fs::exists(shot));
    EXPECT_GT(fs::file_size(shot), 50000u) << "a screenshot of a drawn report is not tiny";
    std::printf("report screenshot: %s\n", shot.c_str());
}

}  // namespace
}  // namespace lathe::check
