package dev.tpucost.api.model;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import dev.tpucost.api.hlo.HloValidationException;
import dev.tpucost.api.tile.TileConfig;
import dev.tpucost.api.tile.TileSpace;
import dev.tpucost.api.tile.WindowConfig;
import java.util.List;
import java.util.Optional;

/**
 * The tile a kernel is costed at when the caller gives none, and where it came from: the compiler's
 * {@code window_config} when the kernel carries one whose bounds tpucost can read, otherwise the default.
 * A compiler tile that does not fit tpucost's reading of the kernel falls back to the default with a warning,
 * so that no kernel goes uncosted.
 *
 * @param tile the tile
 * @param source where it came from
 * @param window the compiler's window config, if the kernel carries one (also when it was not used)
 * @param warnings why the compiler's tile was not used, if it was not
 */
public record TileChoice(TileConfig tile, TileSource source, Optional<WindowConfig> window, List<String> warnings) {
  /** Copies the warnings. */
  public TileChoice {
    checkNotNull(tile, "tile");
    checkNotNull(source, "source");
    checkNotNull(window, "window");
    warnings = ImmutableList.copyOf(warnings);
  }

  /** The compiler's tile for the kernel of {@code space} if it has a usable one, else the default. */
  public static TileChoice of(TileSpace space) {
    Optional<WindowConfig> window;
    try {
      window = space.compilerWindow();
    } catch (HloValidationException e) {
      return new TileChoice(space.defaultConfig(), TileSource.DEFAULT, Optional.empty(),
          List.of(e.getMessage() + "; costed at the default tile"));
    }
    if (window.isEmpty()) {
      return new TileChoice(space.defaultConfig(), TileSource.DEFAULT, window, List.of());
    }
    TileConfig compiler = window.get().tile();
    Optional<String> problem = space.check(compiler);
    if (problem.isPresent()) {
      return new TileChoice(space.defaultConfig(), TileSource.DEFAULT, window,
          List.of("the compiler's window_config does not fit tpucost's reading of the kernel (" + problem.get()
              + "); costed at the default tile"));
    }
    return new TileChoice(compiler, TileSource.COMPILER, window, List.of());
  }

  /** A tile the caller gave. */
  public static TileChoice given(TileConfig tile) {
    return new TileChoice(tile, TileSource.GIVEN, Optional.empty(), List.of());
  }
}
