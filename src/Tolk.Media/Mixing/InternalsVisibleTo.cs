using System.Runtime.CompilerServices;

// The mixer's SIMD kernels and limiter are unit-tested and benchmarked directly.
[assembly: InternalsVisibleTo("Tolk.Media.Tests")]
[assembly: InternalsVisibleTo("Tolk.Bench")]
