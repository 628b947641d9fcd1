using Microsoft.AspNetCore.Http;
using Tolk.Api.Infrastructure;
using Tolk.Api.Live;
using Tolk.Data.Directory;

namespace Tolk.Api.Resources;

internal static partial class TenantEndpoints
{
    private static IResult GetRoomTranscript(Guid tenantId, Guid id, ITenantDirectory directory, IRoomTranscripts transcripts) =>
        directory.FindRoom(tenantId, id) is null
            ? Problems.NotFound()
            : TypedResults.Ok(transcripts.Get(tenantId, id));
}
