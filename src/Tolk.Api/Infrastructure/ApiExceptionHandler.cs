using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Tolk.Api.Infrastructure;

/// <summary>
/// Turns request-binding failures into 400 problems naming the field (the JSON path of the bad value)
/// and anything unexpected into a 500 problem without internals.
/// </summary>
internal sealed partial class ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is BadHttpRequestException bad)
        {
            var field = FieldOf(bad) ?? "body";
            var detail = bad.InnerException is JsonException ? "The value has the wrong type or format." : bad.Message;
            httpContext.Response.StatusCode = bad.StatusCode;
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = httpContext,
                ProblemDetails = new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [detail] })
                {
                    Status = bad.StatusCode,
                    Title = "The request could not be read.",
                },
            });
        }

        LogUnhandled(logger, httpContext.Request.Path, exception);
        httpContext.Response.StatusCode = StatusCodes.Status500InternalServerError;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = { Status = 500, Title = "Internal Server Error", Detail = "An unexpected error occurred." },
        });
    }

    // "$.languages[0].code" → "languages[0].code" (the same names validation uses).
    private static string? FieldOf(BadHttpRequestException bad)
    {
        if (bad.InnerException is JsonException { Path: { Length: > 0 } path })
        {
            var trimmed = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
            return trimmed.Length == 0 ? "body" : trimmed;
        }

        return null;
    }

    [LoggerMessage(EventId = 5201, Level = LogLevel.Error, Message = "Unhandled error on {Path}")]
    private static partial void LogUnhandled(ILogger logger, PathString path, Exception exception);
}
