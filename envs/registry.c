/*
 * registry.c - every environment, by Gymnasium id, with Gymnasium's time
 * limit (max_episode_steps) and reward threshold from its registration table.
 * One line per id; aliases are further lines with the same vtable.
 */
#include "env.h"

#include <math.h>

extern const struct env_vtable frozenlake_vtable;

const struct env_spec env_registry[] = {
	{ "FrozenLake-v1", &frozenlake_vtable, NULL, 100, 0.70,
	  "frozen lake grid, reach G without falling into a hole H" },
	{ "FrozenLake8x8-v1", &frozenlake_vtable, "map_name=8x8", 200, 0.85,
	  "FrozenLake-v1 on the 8x8 map with a 200-step limit" },
};

const int env_registry_len = (int)(sizeof(env_registry) / sizeof(env_registry[0]));
