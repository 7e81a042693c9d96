/*
 * minatar_games.c - the table of MinAtar games (one line per game).
 */
#include "minatar.h"

extern const struct minatar_game minatar_breakout;
extern const struct minatar_game minatar_freeway;
extern const struct minatar_game minatar_asterix;
extern const struct minatar_game minatar_seaquest;
extern const struct minatar_game minatar_space_invaders;

const struct minatar_game *const minatar_games[] = {
	&minatar_breakout,
	&minatar_freeway,
	&minatar_asterix,
	&minatar_seaquest,
	&minatar_space_invaders,
	NULL, /* the end (not counted) */
};
const int minatar_games_len = (int)(sizeof(minatar_games) / sizeof(minatar_games[0])) - 1;
