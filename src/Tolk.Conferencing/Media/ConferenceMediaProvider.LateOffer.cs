using System.Net;
using Tolk.Conferencing.Calls;

namespace Tolk.Conferencing.Media;

public sealed partial class ConferenceMediaProvider : ILateOfferMediaProvider
{
    /// <inheritdoc />
    public async ValueTask<MediaOfferResult> CreateOfferAsync(CallSession call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        var address = call.MediaAddress;
        var port = Ports.Allocate(address);
        var media = new ConferenceCallMedia(this, call, new IPEndPoint(address, port));
        var offer = await media.CreateOfferAsync();
        return MediaOfferResult.Accept(offer, media);
    }
}
