using Microsoft.EntityFrameworkCore;
using Tolk.Api.Auth;
using Tolk.Api.Infrastructure;
using Tolk.Data;
using Tolk.Data.Entities;

namespace Tolk.Api.Resources;

/// <summary>Create/replace body of a number. The DID is set by the provider and cannot change.</summary>
public sealed record NumberRequest(string? Did, NumberTargetType? TargetType, string? Target);

/// <summary>A number as returned by the API.</summary>
public sealed record NumberDto(Guid Id, string Did, NumberTargetType TargetType, string? Target, long Version);

internal static class Numbers
{
    public static NumberDto ToDto(PhoneNumber n) => new(n.Id, n.Did, n.TargetType, n.Target, n.Version);

    public static ResourceSpec<PhoneNumber, NumberRequest> Spec { get; } = new()
    {
        Path = "numbers",
        Tag = "Numbers",
        Singular = "Number",
        Query = db => db.Numbers,
        ToDto = ToDto,
        // DIDs are assigned and withdrawn by the provider; tenants route them.
        CreatePolicy = Policies.MasterAdmin,
        DeletePolicy = Policies.MasterAdmin,
        Validate = ValidateAsync,
        Create = (r, ctx) => new PhoneNumber
        {
            Id = Guid.NewGuid(), TenantId = ctx.TenantId, Did = r.Did!, TargetType = r.TargetType ?? NumberTargetType.None, Target = r.Target,
        },
        Update = (r, e, _) =>
        {
            e.TargetType = r.TargetType ?? NumberTargetType.None;
            e.Target = r.Target;
        },
        Search = (q, s) => q.Where(n => n.Did.Contains(s)),
        Order = q => q.OrderBy(n => n.Did),
    };

    private static async Task ValidateAsync(NumberRequest r, RequestContext ctx, Validator v, PhoneNumber? existing)
    {
        v.E164("did", r.Did);
        if (existing is not null && r.Did is not null && r.Did != existing.Did)
        {
            v.Add("did", "The DID of a number cannot change.");
        }
        else if (existing is null && r.Did is not null
            && await ctx.Db.Numbers.IgnoreQueryFilters().AnyAsync(n => n.Did == r.Did))
        {
            v.Add("did", "This number is already assigned.");
        }

        var type = r.TargetType ?? NumberTargetType.None;
        if (!Enum.IsDefined(type))
        {
            v.Add("targetType", "Unknown target type.");
            return;
        }

        switch (type)
        {
            case NumberTargetType.None when r.Target is not null:
                v.Add("target", "A number with targetType 'none' has no target.");
                break;
            case NumberTargetType.Room:
                if (!Guid.TryParse(r.Target, out var roomId) || !await ctx.Db.Rooms.AnyAsync(x => x.Id == roomId))
                {
                    v.Add("target", "The target must be the id of a room of this tenant.");
                }

                break;
            case NumberTargetType.Extension:
                v.Extension("target", r.Target, required: true);
                break;
            case NumberTargetType.Agent or NumberTargetType.Ivr:
                v.Required("target", r.Target, Limits.Name);
                break;
        }
    }
}
