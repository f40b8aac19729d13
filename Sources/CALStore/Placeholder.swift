enum _PlaceholderCALStore {}
