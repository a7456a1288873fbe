// planAlbumLoudness(): per-track delivery loudness for `album` and `equal` modes, with the album-wide guardrail.
#include "lathe/mastering/album_loudness.h"

#include <algorithm>

#include "util/text.h"

namespace lathe::mastering {

const char* albumLoudnessName(AlbumLoudness mode) noexcept { return mode == AlbumLoudness::Album ? "album" : "equal"; }

PlanRequest trackPlanRequest(const PlanRequest& album, double targetLufs) {
    PlanRequest request = album;
    request.target.integratedLufs = targetLufs;
    return request;
}

AlbumLoudnessPlan planAlbumLoudness(const std::vector<analysis::Analysis>& mixes, const PlanRequest& request,
                                    AlbumLoudness mode) {
    AlbumLoudnessPlan out;
    if (mixes.empty()) return out;
    const double target = request.target.integratedLufs;
    std::vector<double> mixLufs;
    for (const auto& mix : mixes) mixLufs.push_back(mix.integratedLufs.value_or(-70.0));
    out.loudestTrack = std::size_t(std::max_element(mixLufs.begin(), mixLufs.end()) - mixLufs.begin());
    const double loudest = mixLufs[out.loudestTrack];
    for (const double lufs : mixLufs) out.targetLufs.push_back(mode == AlbumLoudness::Album ? target - (loudest - lufs) : target);
    if (mode == AlbumLoudness::Album)
        out.decisions.push_back({"loudness", formatText("album mode: track %zu (the loudest mix, %.1f LUFS) at %.1f LUFS",
                                                        out.loudestTrack + 1, loudest, target),
                                 "every other track keeps its distance below the loudest mix"});
    else
        out.decisions.push_back({"loudness", formatText("equal mode: every track at %.1f LUFS", target), "--loudness equal"});

    // The planner's own guardrail, asked of every track; the largest shortfall moves the whole album.
    std::size_t worst = 0;
    for (std::size_t i = 0; i < mixes.size(); ++i) {
        const auto plan = planMaster(mixes[i], trackPlanRequest(request, out.targetLufs[i]));
        const double shortfall = plan.loudness.requestedLufs - plan.loudness.plannedLufs;
        if (shortfall > out.guardrailShiftLu) out.guardrailShiftLu = shortfall, worst = i;
    }
    if (out.guardrailShiftLu > 0.0) {
        for (double& lufs : out.targetLufs) lufs -= out.guardrailShiftLu;
        out.decisions.push_back(
            {"loudness", formatText("every track %.1f LU lower", out.guardrailShiftLu),
             formatText("the PLR floor stops track %zu %.1f LU short of its loudness; the whole album follows so the %s",
                        worst + 1, out.guardrailShiftLu,
                        mode == AlbumLoudness::Album ? "differences between tracks hold" : "tracks stay equal")});
    }
    return out;
}

}  // namespace lathe::mastering
