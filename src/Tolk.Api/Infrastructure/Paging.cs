namespace Tolk.Api.Infrastructure;

/// <summary>A page of a list.</summary>
public sealed record PageOf<T>(IReadOnlyList<T> Items, int Page, int PageSize, int Total);

/// <summary>Query-string paging: <c>page</c> (from 1) and <c>pageSize</c> (1–200, default 50).</summary>
public static class Paging
{
    /// <summary>Largest page size.</summary>
    public const int MaxPageSize = 200;

    /// <summary>Validates paging parameters into <paramref name="v"/>.</summary>
    public static (int Page, int PageSize) Read(int? page, int? pageSize, Validator v)
    {
        var p = page ?? 1;
        var s = pageSize ?? 50;
        if (p < 1)
        {
            v.Add("page", "The page must be 1 or more.");
        }

        if (s is < 1 or > MaxPageSize)
        {
            v.Add("pageSize", $"The page size must be between 1 and {MaxPageSize}.");
        }

        return (p, s);
    }
}
