// The clusters of this assembly share two cores and one PostgreSQL: run the test classes one after another, so that
// each storm measures itself and not its neighbours.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
