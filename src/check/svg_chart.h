#pragma once
// A minimal SVG chart writer for the HTML report: one plot area with linear or log axes, grid,
// tick labels and marks (paths, bars, markers, text). Everything a chart draws from data carries
// class "mark", so the report's self-check (and its browser test) can tell an empty chart.

#include <span>
#include <string>
#include <utility>
#include <vector>

namespace lathe::check::svg {

struct Axis {
    double min = 0, max = 1;
    bool logarithmic = false;
    std::string label;
    std::vector<double> ticks;        ///< values to label
    std::vector<std::string> tickLabels;  ///< optional; default: the value
};

/// Escapes text for HTML and SVG (& < > " ').
std::string escape(const std::string& text);
/// A number with `decimals` decimals (no locale, no exponent).
std::string number(double value, int decimals = 1);

class Chart {
public:
    Chart(std::string id, std::string title, double width, double height, Axis x, Axis y);

    [[nodiscard]] double px(double x) const noexcept;
    [[nodiscard]] double py(double y) const noexcept;
    [[nodiscard]] double left() const noexcept { return left_; }
    [[nodiscard]] double right() const noexcept { return width_ - right_; }
    [[nodiscard]] double top() const noexcept { return top_; }
    [[nodiscard]] double bottom() const noexcept { return height_ - bottom_; }

    /// A polyline through (x, y) points; gaps where y is not finite.
    void path(std::span<const std::pair<double, double>> points, const std::string& cssClass, const std::string& title = "");
    void horizontal(double y, const std::string& cssClass, const std::string& label = "");
    void vertical(double x, const std::string& cssClass, const std::string& label = "");
    void rect(double x0, double y0, double x1, double y1, const std::string& cssClass, const std::string& title = "");
    void marker(double x, double y, const std::string& cssClass, const std::string& title = "");
    void text(double x, double y, const std::string& content, const std::string& cssClass, const char* anchor = "start");
    /// Raw SVG inside the plot (already escaped).
    void raw(const std::string& svg);
    void legend(const std::vector<std::pair<std::string, std::string>>& entries);  ///< (cssClass, label)

    [[nodiscard]] std::string svg() const;

private:
    std::string id_, title_;
    double width_, height_;
    double left_ = 56, right_ = 16, top_ = 28, bottom_ = 40;
    Axis x_, y_;
    std::string body_;
    std::string legend_;
};

}  // namespace lathe::check::svg
