using System.Buffers.Text;
using System.Text;

namespace NmtPractice.Api.Grpc;

/// <summary>
/// Paged lists: page_size 0 means <see cref="DefaultPageSize"/>, at most <see cref="MaxPageSize"/>; page tokens are
/// opaque (base64url of a position), an empty next_page_token means the last page.
/// </summary>
public static class Paging
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 500;
    private const int MaxTokenLength = 256;

    public static int PageSize(int value)
    {
        if (value is < 0 or > MaxPageSize)
        {
            ApiErrors.ThrowInvalid("page_size", $"page_size must be between 0 (default {DefaultPageSize}) and {MaxPageSize}.");
        }
        return value == 0 ? DefaultPageSize : value;
    }

    /// <summary>The page of <paramref name="items"/> at the token's offset, and the token of the next page ("" at the end).</summary>
    public static (List<T> Page, string NextToken) ByOffset<T>(IReadOnlyList<T> items, int pageSize, string pageToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        var offset = Offset(pageToken);
        var page = items.Skip(offset).Take(pageSize).ToList();
        var next = offset + page.Count < items.Count ? Encode("o:" + (offset + page.Count).ToString(CultureInfo.InvariantCulture)) : "";
        return (page, next);
    }

    /// <summary>
    /// The page of ids (sorted ordinally) after the token's id: stable while items are added, unlike an offset.
    /// </summary>
    public static (List<string> Page, string NextToken) ByKey(IEnumerable<string> ids, int pageSize, string pageToken)
    {
        var after = Decode(pageToken, "k:");
        var page = ids.Order(StringComparer.Ordinal)
            .Where(id => after is null || string.CompareOrdinal(id, after) > 0)
            .Take(pageSize + 1)
            .ToList();
        var next = page.Count > pageSize ? Encode("k:" + page[pageSize - 1]) : "";
        return (page.Take(pageSize).ToList(), next);
    }

    /// <summary>
    /// The <see cref="ByKey"/> page of ids, each fetched with <paramref name="fetch"/>; an id whose item is gone (null)
    /// is left out of the page but still moves the token on.
    /// </summary>
    public static async Task<(List<T> Page, string NextToken)> FetchByKey<T>(
        IEnumerable<string> ids, int pageSize, string pageToken, Func<string, Task<T?>> fetch)
        where T : class
    {
        var (page, next) = ByKey(ids, pageSize, pageToken);
        var items = await Task.WhenAll(page.Select(fetch));
        return (items.OfType<T>().ToList(), next);
    }

    /// <summary>The key a keyset page token points after, or null for the first page.</summary>
    public static string? KeyAfter(string pageToken) => Decode(pageToken, "k:");

    /// <summary>The token of the page after <paramref name="lastKey"/>.</summary>
    public static string KeyToken(string lastKey) => Encode("k:" + lastKey);

    private static int Offset(string pageToken)
    {
        var text = Decode(pageToken, "o:");
        if (text is null)
        {
            return 0;
        }
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var offset) || offset < 0)
        {
            ThrowBadToken();
        }
        return offset;
    }

    private static string? Decode(string pageToken, string kind)
    {
        if (string.IsNullOrEmpty(pageToken))
        {
            return null;
        }
        if (pageToken.Length > MaxTokenLength)
        {
            ThrowBadToken();
        }
        string text;
        try
        {
            text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(pageToken));
        }
        catch (FormatException)
        {
            ThrowBadToken();
            throw;
        }
        if (!text.StartsWith(kind, StringComparison.Ordinal))
        {
            ThrowBadToken();
        }
        return text[kind.Length..];
    }

    private static string Encode(string position) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(position));

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowBadToken() =>
        ApiErrors.ThrowInvalid("page_token", "page_token is not a token this list returned.");
}
