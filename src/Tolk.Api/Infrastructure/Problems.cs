using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Tolk.Api.Infrastructure;

/// <summary>RFC 9457 problem responses used across the API.</summary>
public static class Problems
{
    /// <summary>404 without saying whether the resource exists in another tenant.</summary>
    public static ProblemHttpResult NotFound() =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not Found", detail: "The resource does not exist.");

    /// <summary>400 with per-field errors.</summary>
    public static ValidationProblem Validation(Validator v) =>
        TypedResults.ValidationProblem(v.Errors, title: "One or more fields are invalid.");

    /// <summary>400 with one field error.</summary>
    public static ValidationProblem Field(string field, string message)
    {
        var v = new Validator();
        v.Add(field, message);
        return Validation(v);
    }

    /// <summary>412: the If-Match ETag does not match the current version.</summary>
    public static ProblemHttpResult PreconditionFailed() =>
        TypedResults.Problem(statusCode: StatusCodes.Status412PreconditionFailed, title: "Precondition Failed",
            detail: "The resource was changed since the ETag in If-Match was read.");

    /// <summary>409: a uniqueness rule was broken.</summary>
    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: detail);

    /// <summary>401 for failed sign-in; the same text for every cause, so accounts cannot be probed.</summary>
    public static ProblemHttpResult InvalidCredentials() =>
        TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized",
            detail: "Invalid credentials, or the account is locked or disabled.");
}
