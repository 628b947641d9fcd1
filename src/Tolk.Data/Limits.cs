namespace Tolk.Data;

/// <summary>Column lengths, shared by the model and by API validation so both agree.</summary>
public static class Limits
{
    public const int Short = 64;
    public const int Name = 128;
    public const int Domain = 253;
    public const int Email = 254;
    public const int Long = 512;
    public const int Url = 2048;
}
