/*
 * minatar_games.c - the table of MinAtar games (one line per game).
 */
#include "minatar.h"

const struct minatar_game *const minatar_games[] = {
	/* games go here, one line each: &minatar_breakout, ... */
	NULL, /* the end (not counted) */
};
const int minatar_games_len = (int)(sizeof(minatar_games) / sizeof(minatar_games[0])) - 1;
