-- Chinook for SQLite (see ../../samples/SOURCES.md) with changes: a
-- referenced table rebuilt under its foreign keys and a view (its rows,
-- indexes and the view kept), an index made unique, a table made STRICT.
-- @include ../../samples/chinook/chinook-sqlite-schema.sql
CREATE VIEW [TrackList] AS SELECT t.[TrackId], t.[Name], a.[Title] FROM [Track] t JOIN [Album] a ON a.[AlbumId] = t.[AlbumId];
PRAGMA legacy_alter_table = ON;
CREATE TABLE [Album_new]
(
    [AlbumId] INTEGER  NOT NULL,
    [Title] NVARCHAR(200)  NOT NULL,
    [ArtistId] INTEGER  NOT NULL,
    [Released] INTEGER CHECK ([Released] > 1900),
    CONSTRAINT [PK_Album] PRIMARY KEY  ([AlbumId]),
    FOREIGN KEY ([ArtistId]) REFERENCES [Artist] ([ArtistId]) ON DELETE CASCADE ON UPDATE NO ACTION
);
DROP TABLE [Album];
ALTER TABLE [Album_new] RENAME TO [Album];
PRAGMA legacy_alter_table = OFF;
CREATE INDEX [IFK_AlbumArtistId] ON [Album] ([ArtistId]);
DROP INDEX [IFK_PlaylistTrackTrackId];
CREATE UNIQUE INDEX [IFK_PlaylistTrackTrackId] ON [PlaylistTrack] ([TrackId], [PlaylistId]);
DROP TABLE [Genre];
CREATE TABLE [Genre] ([GenreId] INTEGER NOT NULL, [Name] TEXT, CONSTRAINT [PK_Genre] PRIMARY KEY ([GenreId])) STRICT;
