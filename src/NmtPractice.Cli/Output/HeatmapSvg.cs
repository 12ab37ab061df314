using System.Text;
using System.Xml;

namespace NmtPractice.Cli.Output;

/// <summary>
/// The occupancy heatmap as a self-contained SVG image (no scripts, fonts or links): weekday rows x 24 hour columns,
/// each cell coloured on a scale from 0% to 100% occupancy with its percentage written in it and a tooltip
/// (&lt;title&gt;) giving the exact minutes; hours in which no room was open are grey. A title names the clinic, the
/// period and the zone; a legend shows the scale.
/// </summary>
public static class HeatmapSvg
{
    private const int Left = 56;
    private const int Top = 78;
    private const int CellWidth = 34;
    private const int CellHeight = 30;
    private const int Width = Left + (24 * CellWidth) + 24;
    private const int Height = Top + (7 * CellHeight) + 84;
    private const string Closed = "#e3e3e3";

    /// <summary>The scale's colours at 0%, 50% and 100%.</summary>
    private static readonly (double At, byte R, byte G, byte B)[] Scale = [(0, 0xf2, 0xf7, 0xfb), (0.5, 0x5b, 0x9b, 0xd5), (1, 0x1f, 0x3b, 0x73)];

    /// <summary>[weekday 0 (Monday)..6, hour 0..23]; hours the heatmap did not list are zero.</summary>
    public static HeatmapCell[,] Grid(OccupancyHeatmap heatmap)
    {
        ArgumentNullException.ThrowIfNull(heatmap);
        var grid = new HeatmapCell[7, 24];
        for (var d = 0; d < 7; d++)
        {
            for (var h = 0; h < 24; h++)
            {
                grid[d, h] = new HeatmapCell { Weekday = (Api.V1.DayOfWeek)(d + 1), Hour = h };
            }
        }
        foreach (var cell in heatmap.Cells)
        {
            if (cell.Weekday is >= Api.V1.DayOfWeek.Monday and <= Api.V1.DayOfWeek.Sunday && cell.Hour is >= 0 and < 24)
            {
                grid[(int)cell.Weekday - 1, cell.Hour] = cell;
            }
        }
        return grid;
    }

    /// <summary>The colour of an occupancy in [0, 1] (clamped), "#rrggbb".</summary>
    public static string Colour(double occupancy)
    {
        var f = double.IsNaN(occupancy) ? 0 : Math.Clamp(occupancy, 0, 1);
        var i = f <= Scale[1].At ? 0 : 1;
        var (a, b) = (Scale[i], Scale[i + 1]);
        var t = (f - a.At) / (b.At - a.At);
        static byte Mix(byte x, byte y, double t) => (byte)Math.Round(x + ((y - x) * t), MidpointRounding.AwayFromZero);
        return $"#{Mix(a.R, b.R, t):x2}{Mix(a.G, b.G, t):x2}{Mix(a.B, b.B, t):x2}";
    }

    public static string Render(OccupancyHeatmap heatmap)
    {
        ArgumentNullException.ThrowIfNull(heatmap);
        var grid = Grid(heatmap);
        var text = new StringBuilder();
        using (var xml = XmlWriter.Create(text, new XmlWriterSettings { Indent = true, OmitXmlDeclaration = false, Encoding = Encoding.UTF8 }))
        {
            const string Ns = "http://www.w3.org/2000/svg";
            xml.WriteStartElement("svg", Ns);
            Attributes(xml, ("width", Width), ("height", Height));
            xml.WriteAttributeString("viewBox", $"0 0 {Width} {Height}");
            xml.WriteAttributeString("font-family", "Helvetica, Arial, sans-serif");
            xml.WriteAttributeString("role", "img");

            var name = heatmap.ClinicName.Length > 0 ? $"{heatmap.ClinicName} ({heatmap.ClinicId})" : heatmap.ClinicId;
            var period = heatmap.FromDate == heatmap.ToDate ? heatmap.FromDate : $"{heatmap.FromDate} to {heatmap.ToDate}";
            var title = $"Occupancy by weekday and hour: {name}, {period}";
            xml.WriteElementString("title", Ns, title);

            xml.WriteStartElement("defs", Ns);
            xml.WriteStartElement("linearGradient", Ns);
            xml.WriteAttributeString("id", "scale");
            foreach (var stop in Scale)
            {
                xml.WriteStartElement("stop", Ns);
                xml.WriteAttributeString("offset", Number(stop.At * 100) + "%");
                xml.WriteAttributeString("stop-color", $"#{stop.R:x2}{stop.G:x2}{stop.B:x2}");
                xml.WriteEndElement();
            }
            xml.WriteEndElement();
            xml.WriteEndElement();

            xml.WriteStartElement("rect", Ns);
            Attributes(xml, ("x", 0), ("y", 0), ("width", Width), ("height", Height));
            xml.WriteAttributeString("fill", "#ffffff");
            xml.WriteEndElement();

            var heading = $"{name}: occupancy by weekday and hour";
            Label(xml, Ns, Left, 28, heading, size: FitFontSize(heading, 18, 0.62), bold: true);
            var subtitle = $"{period} · treatment minutes / open room minutes · hours on the clinic's clock ({heatmap.TimeZone})";
            Label(xml, Ns, Left, 50, subtitle, size: FitFontSize(subtitle, 12, 0.55), colour: "#555555");

            for (var h = 0; h < 24; h++)
            {
                Label(xml, Ns, Left + (h * CellWidth) + (CellWidth / 2), Top - 8, h.ToString("00", CultureInfo.InvariantCulture), size: 11, anchor: "middle", colour: "#555555");
            }
            for (var d = 0; d < 7; d++)
            {
                var y = Top + (d * CellHeight);
                Label(xml, Ns, Left - 8, y + (CellHeight / 2) + 4, ReportViews.WeekdayNames[d], size: 12, anchor: "end");
                for (var h = 0; h < 24; h++)
                {
                    Cell(xml, Ns, grid[d, h], Left + (h * CellWidth), y);
                }
            }
            Legend(xml, Ns, Top + (7 * CellHeight) + 30);
            xml.WriteEndElement();
        }
        return text.ToString().Replace("encoding=\"utf-16\"", "encoding=\"utf-8\"", StringComparison.Ordinal);
    }

    public static async Task WriteAsync(string path, OccupancyHeatmap heatmap, CancellationToken ct) =>
        await File.WriteAllTextAsync(path, Render(heatmap), new UTF8Encoding(false), ct);

    private static void Cell(XmlWriter xml, string ns, HeatmapCell cell, int x, int y)
    {
        var day = ReportViews.WeekdayNames[(int)cell.Weekday - 1];
        var hours = $"{cell.Hour:00}:00–{(cell.Hour + 1) % 24:00}:00";
        var open = cell.OpenRoomMinutes > 0;
        var percent = open ? Math.Round(cell.Occupancy * 100, 1, MidpointRounding.AwayFromZero) : 0;
        xml.WriteStartElement("g", ns);
        xml.WriteAttributeString("class", "cell");
        xml.WriteAttributeString("data-weekday", day);
        xml.WriteAttributeString("data-hour", cell.Hour.ToString(CultureInfo.InvariantCulture));
        xml.WriteAttributeString("data-occupancy", open ? Number(percent) : "");
        xml.WriteStartElement("rect", ns);
        Attributes(xml, ("x", x + 1), ("y", y + 1), ("width", CellWidth - 2), ("height", CellHeight - 2), ("rx", 3));
        xml.WriteAttributeString("fill", open ? Colour(cell.Occupancy) : Closed);
        xml.WriteEndElement();
        xml.WriteElementString("title", ns, open
            ? $"{day} {hours}: {Number(percent)}% occupied ({cell.TreatmentMinutes} treatment of {cell.OpenRoomMinutes} open room minutes)"
            : $"{day} {hours}: closed (no room open)");
        if (open)
        {
            var whole = Math.Round(cell.Occupancy * 100, MidpointRounding.AwayFromZero).ToString("0", CultureInfo.InvariantCulture);
            Label(xml, ns, x + (CellWidth / 2), y + (CellHeight / 2) + 4, whole, size: 11, anchor: "middle", colour: cell.Occupancy >= 0.5 ? "#ffffff" : "#1a1a1a");
        }
        xml.WriteEndElement();
    }

    private static void Legend(XmlWriter xml, string ns, int y)
    {
        const int BarWidth = 240;
        Label(xml, ns, Left, y + 13, "Occupancy", size: 12, bold: true);
        var x = Left + 80;
        xml.WriteStartElement("rect", ns);
        Attributes(xml, ("x", x), ("y", y), ("width", BarWidth), ("height", 16));
        xml.WriteAttributeString("fill", "url(#scale)");
        xml.WriteAttributeString("stroke", "#999999");
        xml.WriteEndElement();
        foreach (var at in new[] { 0, 25, 50, 75, 100 })
        {
            Label(xml, ns, x + (BarWidth * at / 100), y + 32, $"{at}%", size: 11, anchor: "middle", colour: "#555555");
        }
        var closedX = x + BarWidth + 40;
        xml.WriteStartElement("rect", ns);
        Attributes(xml, ("x", closedX), ("y", y), ("width", 16), ("height", 16));
        xml.WriteAttributeString("fill", Closed);
        xml.WriteEndElement();
        Label(xml, ns, closedX + 22, y + 13, "no room open", size: 12, colour: "#555555");
    }

    /// <summary>
    /// <paramref name="size"/>, or smaller so that <paramref name="text"/> fits the image's width; glyphs are taken as
    /// <paramref name="em"/> of the font size wide on average.
    /// </summary>
    private static int FitFontSize(string text, int size, double em)
    {
        var available = Width - Left - 12;
        return Math.Max(8, Math.Min(size, (int)(available / Math.Max(1, text.Length * em))));
    }

    private static void Label(XmlWriter xml, string ns, int x, int y, string text, int size, string anchor = "start", bool bold = false, string colour = "#1a1a1a")
    {
        xml.WriteStartElement("text", ns);
        Attributes(xml, ("x", x), ("y", y), ("font-size", size));
        if (anchor != "start")
        {
            xml.WriteAttributeString("text-anchor", anchor);
        }
        if (bold)
        {
            xml.WriteAttributeString("font-weight", "bold");
        }
        xml.WriteAttributeString("fill", colour);
        xml.WriteString(text);
        xml.WriteEndElement();
    }

    private static void Attributes(XmlWriter xml, params (string Name, int Value)[] attributes)
    {
        foreach (var (name, value) in attributes)
        {
            xml.WriteAttributeString(name, value.ToString(CultureInfo.InvariantCulture));
        }
    }

    private static string Number(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
