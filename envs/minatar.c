/*
 * minatar.c - see minatar.h: MinAtar's Environment wrapper (seeding, sticky
 * actions) and the table of games.
 */
#include "minatar.h"

#include <stdlib.h>
#include <string.h>

const struct minatar_game *minatar_game_find(const char *name)
{
	for (int i = 0; i < minatar_games_len; i++)
		if (!strcmp(minatar_games[i]->name, name))
			return minatar_games[i];
	return NULL;
}

int minatar_init(struct minatar *m, const struct minatar_game *game, double sticky_action_prob,
		 int ramping)
{
	memset(m, 0, sizeof(*m));
	m->game = game;
	m->sticky_action_prob = sticky_action_prob;
	m->ramping = ramping;
	m->g = calloc(1, game->state_size);
	if (!m->g)
		return -1;
	mt19937_seed(&m->rng, 0);
	return 0;
}

void minatar_release(struct minatar *m)
{
	free(m->g);
	m->g = NULL;
}

void minatar_seed32(struct minatar *m, uint32_t seed)
{
	mt19937_seed(&m->rng, seed);
}

void minatar_seed64(struct minatar *m, uint64_t seed)
{
	mt19937_seed64(&m->rng, seed);
}

void minatar_reset(struct minatar *m)
{
	memset(m->g, 0, m->game->state_size);
	m->game->reset(m->g, &m->rng, m->ramping);
}

int minatar_act(struct minatar *m, int a, int *reward, int *terminal)
{
	if (mt19937_rand(&m->rng) < m->sticky_action_prob)
		a = m->last_action;
	m->last_action = a;
	m->game->act(m->g, &m->rng, a, reward, terminal);
	return a;
}

void minatar_render(const struct minatar *m, uint8_t *grid)
{
	memset(grid, 0, (size_t)MINATAR_GRID * MINATAR_GRID * m->game->channels);
	m->game->render(m->g, grid);
}
