enum _PlaceholderCALClient {}
