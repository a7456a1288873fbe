#include "check/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace lathe::check::svg {

std::string escape(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

std::string number(double value, int decimals) {
    if (!std::isfinite(value)) value = 0.0;
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
    if (std::string(text) == "-0" || std::string(text) == "-0.0") return decimals == 0 ? "0" : "0.0";
    return text;
}

Chart::Chart(std::string id, std::string title, double width, double height, Axis x, Axis y)
    : id_(std::move(id)), title_(std::move(title)), width_(width), height_(height), x_(std::move(x)), y_(std::move(y)) {}

double Chart::px(double x) const noexcept {
    double t = 0.0;
    if (x_.logarithmic)
        t = (std::log10(std::max(x, 1e-12)) - std::log10(x_.min)) / (std::log10(x_.max) - std::log10(x_.min));
    else
        t = (x - x_.min) / (x_.max - x_.min);
    return left_ + std::clamp(t, -0.01, 1.01) * (width_ - left_ - right_);
}

double Chart::py(double y) const noexcept {
    const double t = (y - y_.min) / (y_.max - y_.min);
    return height_ - bottom_ - std::clamp(t, -0.01, 1.01) * (height_ - top_ - bottom_);
}

void Chart::path(std::span<const std::pair<double, double>> points, const std::string& cssClass, const std::string& title) {
    std::string d;
    bool pen = false;
    for (const auto& [x, y] : points) {
        if (!std::isfinite(x) || !std::isfinite(y)) {
            pen = false;
            continue;
        }
        d += (pen ? "L" : "M") + number(px(x)) + "," + number(py(y));
        pen = true;
    }
    if (d.empty()) return;
    body_ += "<path class=\"mark " + cssClass + "\" d=\"" + d + "\">";
    if (!title.empty()) body_ += "<title>" + escape(title) + "</title>";
    body_ += "</path>\n";
}

void Chart::horizontal(double y, const std::string& cssClass, const std::string& label) {
    body_ += "<line class=\"mark " + cssClass + "\" x1=\"" + number(left()) + "\" x2=\"" + number(right()) + "\" y1=\"" +
             number(py(y)) + "\" y2=\"" + number(py(y)) + "\"/>\n";
    if (!label.empty())
        body_ += "<text class=\"note\" x=\"" + number(right() - 4) + "\" y=\"" + number(py(y) - 4) +
                 "\" text-anchor=\"end\">" + escape(label) + "</text>\n";
}

void Chart::vertical(double x, const std::string& cssClass, const std::string& label) {
    body_ += "<line class=\"mark " + cssClass + "\" x1=\"" + number(px(x)) + "\" x2=\"" + number(px(x)) + "\" y1=\"" +
             number(top()) + "\" y2=\"" + number(bottom()) + "\"/>\n";
    if (!label.empty())
        body_ += "<text class=\"note\" x=\"" + number(px(x) + 3) + "\" y=\"" + number(top() + 10) + "\">" + escape(label) +
                 "</text>\n";
}

void Chart::rect(double x0, double y0, double x1, double y1, const std::string& cssClass, const std::string& title) {
    const double a = px(x0), b = px(x1), c = py(y0), d = py(y1);
    body_ += "<rect class=\"mark " + cssClass + "\" x=\"" + number(std::min(a, b)) + "\" y=\"" + number(std::min(c, d)) +
             "\" width=\"" + number(std::max(0.5, std::abs(b - a))) + "\" height=\"" + number(std::max(0.5, std::abs(d - c))) +
             "\">";
    if (!title.empty()) body_ += "<title>" + escape(title) + "</title>";
    body_ += "</rect>\n";
}

void Chart::marker(double x, double y, const std::string& cssClass, const std::string& title) {
    const double cx = px(x), cy = py(y);
    body_ += "<path class=\"mark " + cssClass + "\" d=\"M" + number(cx) + "," + number(cy) + "l-4,-7h8z\">";
    if (!title.empty()) body_ += "<title>" + escape(title) + "</title>";
    body_ += "</path>\n";
}

void Chart::text(double x, double y, const std::string& content, const std::string& cssClass, const char* anchor) {
    body_ += "<text class=\"" + cssClass + "\" x=\"" + number(px(x)) + "\" y=\"" + number(py(y)) + "\" text-anchor=\"" +
             anchor + "\">" + escape(content) + "</text>\n";
}

void Chart::raw(const std::string& svg) { body_ += svg; }

void Chart::legend(const std::vector<std::pair<std::string, std::string>>& entries) {
    double x = left_;
    for (const auto& [cssClass, label] : entries) {
        legend_ += "<line class=\"" + cssClass + "\" x1=\"" + number(x) + "\" x2=\"" + number(x + 18) + "\" y1=\"" +
                   number(top_ - 8) + "\" y2=\"" + number(top_ - 8) + "\"/>";
        legend_ += "<text class=\"legend\" x=\"" + number(x + 22) + "\" y=\"" + number(top_ - 4) + "\">" + escape(label) +
                   "</text>\n";
        x += 30 + 6.5 * double(label.size());
    }
}

std::string Chart::svg() const {
    std::string out = "<svg class=\"chart\" id=\"" + escape(id_) + "\" viewBox=\"0 0 " + number(width_, 0) + " " +
                      number(height_, 0) + "\" width=\"" + number(width_, 0) + "\" height=\"" + number(height_, 0) +
                      "\" role=\"img\" aria-label=\"" + escape(title_) + "\" xmlns=\"http://www.w3.org/2000/svg\">\n";
    // Grid and ticks.
    for (std::size_t i = 0; i < x_.ticks.size(); ++i) {
        const double x = px(x_.ticks[i]);
        const std::string label = i < x_.tickLabels.size() ? x_.tickLabels[i] : number(x_.ticks[i], 0);
        out += "<line class=\"grid\" x1=\"" + number(x) + "\" x2=\"" + number(x) + "\" y1=\"" + number(top()) + "\" y2=\"" +
               number(bottom()) + "\"/><text class=\"tick\" x=\"" + number(x) + "\" y=\"" + number(bottom() + 14) +
               "\" text-anchor=\"middle\">" + escape(label) + "</text>\n";
    }
    for (std::size_t i = 0; i < y_.ticks.size(); ++i) {
        const double y = py(y_.ticks[i]);
        const std::string label = i < y_.tickLabels.size() ? y_.tickLabels[i] : number(y_.ticks[i], 0);
        out += "<line class=\"grid\" x1=\"" + number(left()) + "\" x2=\"" + number(right()) + "\" y1=\"" + number(y) +
               "\" y2=\"" + number(y) + "\"/><text class=\"tick\" x=\"" + number(left() - 6) + "\" y=\"" + number(y + 4) +
               "\" text-anchor=\"end\">" + escape(label) + "</text>\n";
    }
    out += "<rect class=\"frame\" x=\"" + number(left()) + "\" y=\"" + number(top()) + "\" width=\"" +
           number(right() - left()) + "\" height=\"" + number(bottom() - top()) + "\"/>\n";
    out += "<text class=\"axis\" x=\"" + number((left() + right()) / 2) + "\" y=\"" + number(height_ - 6) +
           "\" text-anchor=\"middle\">" + escape(x_.label) + "</text>\n";
    out += "<text class=\"axis\" transform=\"translate(14," + number((top() + bottom()) / 2) +
           ") rotate(-90)\" text-anchor=\"middle\">" + escape(y_.label) + "</text>\n";
    out += legend_;
    out += "<g class=\"plot\">\n" + body_ + "</g>\n</svg>\n";
    return out;
}

}  // namespace lathe::check::svg
